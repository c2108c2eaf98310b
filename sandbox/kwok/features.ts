/**
 * What a kwok lab has beyond kwokctl's defaults: volumes that bind (kwok's volume stages and a default
 * StorageClass) and resource metrics (metrics-server scraping the kubelet-like metrics endpoint the
 * kwok controller serves for each node). The YAML files beside this module are taken unchanged from
 * the kwok and metrics-server modules; each names its source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

const here = join(packageRoot, 'sandbox', 'kwok');

/**
 * The kwok objects kwokctl loads for a lab (after its own configuration in the same file): its default
 * node and pod stages plus the volume provisioner (stages.yaml), and the per-node resource metrics
 * (metrics.yaml). Each file's heading comment is left out.
 */
export function labKwokObjects(): string {
  return ['stages.yaml', 'metrics.yaml'].map((f) => readFileSync(join(here, f), 'utf8').replace(/^(#.*\n)*---\n/, '')).join('---\n');
}

/** A kustomization with metrics-server's APIService, Service and RBAC (kwokctl builds it with `kubectl kustomize`). */
export const metricsServerManifests = join(here, 'metrics-server');

/** The lab's default StorageClass: its PVCs are provisioned and bound by the volume stages. */
export const defaultStorageClass = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: kwok-volume
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kwok.x-k8s.io/volume
reclaimPolicy: Delete
volumeBindingMode: Immediate
`;

/** Where metrics-server reads a node's resource metrics: the kwok controller serves one path per node. */
export const resourceMetricsPathAnnotation = (node: string) => `metrics.k8s.io/resource-metrics-path: /metrics/nodes/${node}/metrics/resource`;
