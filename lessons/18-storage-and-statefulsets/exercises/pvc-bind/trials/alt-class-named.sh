#!/usr/bin/env bash
set -euo pipefail
CLASS=$(kubectl get storageclass -o jsonpath='{.items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")].metadata.name}')
sed "s/CLASS/$CLASS/" <<'YAML' | kubectl apply -f -
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: default }
spec:
  storageClassName: CLASS
  accessModes: [ReadWriteOnce]
  resources:
    requests: { storage: 1024Mi }
---
apiVersion: v1
kind: Pod
metadata: { name: writer, namespace: default }
spec:
  containers:
    - name: writer
      image: busybox:1.36
      command: [sleep, "3600"]
      volumeMounts:
        - { name: store, mountPath: /data, readOnly: false }
  volumes:
    - name: store
      persistentVolumeClaim: { claimName: data }
YAML
kubectl wait --for=jsonpath='{.status.phase}'=Bound pvc/data --timeout=90s
kubectl wait --for=condition=Ready pod/writer --timeout=90s
