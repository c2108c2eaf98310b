#!/usr/bin/env bash
# Other correct forms, all in one apply: count/pods and 2000m in the quota, 0.1 CPU and 0.125Gi,
# named ports, envFrom, the default class named, autoscaling/v1, a default-deny policy plus one
# allow per tier, a ClusterRole bound in bookstore only.
set -euo pipefail
class=$(kubectl get storageclass -o jsonpath='{.items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")].metadata.name}')
kubectl apply -f - <<YAML
apiVersion: v1
kind: Namespace
metadata: { name: bookstore }
---
apiVersion: v1
kind: ResourceQuota
metadata: { name: bookstore-quota, namespace: bookstore }
spec: { hard: { count/pods: "10", requests.cpu: 2000m } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: web-config, namespace: bookstore }
data: { MODE: production }
---
apiVersion: v1
kind: Secret
metadata: { name: db-creds, namespace: bookstore }
stringData: { password: s3cr3t }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: bookstore, labels: { app: web } }
spec:
  replicas: 3
  selector: { matchLabels: { app: web, tier: front } }
  template:
    metadata: { labels: { app: web, tier: front } }
    spec:
      containers:
        - name: web
          image: docker.io/library/nginx:1.27
          ports: [{ name: http, containerPort: 80 }]
          envFrom: [{ configMapRef: { name: web-config } }]
          resources:
            requests: { cpu: "0.1", memory: 0.125Gi }
            limits: { cpu: "0.5", memory: 256Mi }
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 5 }
          livenessProbe: { tcpSocket: { port: http }, initialDelaySeconds: 10 }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: bookstore }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: db-data, namespace: bookstore }
spec:
  storageClassName: $class
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1024Mi } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: db, namespace: bookstore }
spec:
  replicas: 1
  strategy: { type: Recreate }
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: postgres-stand-in
          image: busybox:1.36
          args: [sleep, "3600"]
          ports: [{ name: pg, containerPort: 5432 }]
          env:
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: db-creds, key: password } }
          resources: { requests: { cpu: 50m, memory: 32Mi }, limits: { cpu: 200m, memory: 64Mi } }
          volumeMounts: [{ name: storage, mountPath: /var/lib/db }]
      volumes:
        - name: storage
          persistentVolumeClaim: { claimName: db-data }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: bookstore }
spec: { podSelector: {}, policyTypes: [Ingress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: bookstore }
spec:
  podSelector: { matchExpressions: [{ key: app, operator: In, values: [web] }] }
  ingress:
    - from: [{ ipBlock: { cidr: 0.0.0.0/0 } }, { namespaceSelector: {} }]
      ports: [{ port: http }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: bookstore }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: bookstore } }
          podSelector: { matchLabels: { app: web } }
      ports: [{ protocol: TCP, port: pg }]
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: bookstore }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
  targetCPUUtilizationPercentage: 70
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: bookstore }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: bookstore-deployer }
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get, list, watch, update, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: deployer, namespace: bookstore }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: bookstore-deployer }
subjects: [{ kind: ServiceAccount, name: deployer, namespace: bookstore }]
YAML
