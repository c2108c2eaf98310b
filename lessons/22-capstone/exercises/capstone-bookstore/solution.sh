#!/usr/bin/env bash
# Reference solution, part by part, as a learner would type it.
set -euo pipefail

# 1. Namespace and quota
kubectl create namespace bookstore
kubectl create quota bookstore-quota -n bookstore --hard=pods=10,requests.cpu=2

# 2. Configuration
kubectl create configmap web-config -n bookstore --from-literal=MODE=production
kubectl create secret generic db-creds -n bookstore --from-literal=password=s3cr3t

# 3. Web tier
kubectl apply -n bookstore -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports: [{ containerPort: 80 }]
          env:
            - name: MODE
              valueFrom: { configMapKeyRef: { name: web-config, key: MODE } }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          readinessProbe: { httpGet: { path: /, port: 80 } }
          livenessProbe: { tcpSocket: { port: 80 } }
YAML
kubectl expose deployment web -n bookstore --port=80 --target-port=80

# 4. Data tier (the quota needs a CPU request on db too)
kubectl apply -n bookstore -f - <<'YAML'
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: db-data }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: db }
spec:
  replicas: 1
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: db
          image: busybox:1.36
          command: [sleep, "3600"]
          env:
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: db-creds, key: password } }
          resources: { requests: { cpu: 100m } }
          volumeMounts: [{ name: data, mountPath: /var/lib/db }]
      volumes:
        - name: data
          persistentVolumeClaim: { claimName: db-data }
YAML

# 5. Network policy
kubectl apply -n bookstore -f - <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-anywhere }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - ports: [{ protocol: TCP, port: 80 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-from-web }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
      ports: [{ protocol: TCP, port: 5432 }]
YAML

# 6. Autoscaling
kubectl autoscale deployment web -n bookstore --min=2 --max=6 --cpu-percent=70

# 7. Access
kubectl create serviceaccount deployer -n bookstore
kubectl create role deployer -n bookstore --verb=get,list,watch,update,patch --resource=deployments
kubectl create rolebinding deployer -n bookstore --role=deployer --serviceaccount=bookstore:deployer
