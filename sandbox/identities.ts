/**
 * The learner and grader identities of a kwok lab: client certificates signed by the lab's own CA
 * (so they are valid in this lab and nowhere else), the RBAC that gives each its rights, and
 * kubeconfig files. The admin identity is the one kwokctl made (system:masters).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../run.js';

export const learnerUser = 'kubelab:learner';
export const graderUser = 'kubelab:grader';

/** RBAC applied with the admin credential when a lab is created. */
export const identityRbac = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: kubelab-learner
  labels: { kubelab.io/managed: "true" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: "${learnerUser}" }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kubelab-grader
  labels: { kubelab.io/managed: "true" }
rules:
  - { apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch] }
  - { apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create] }
  - { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/api", "/api/*", "/apis", "/apis/*"], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: kubelab-grader
  labels: { kubelab.io/managed: "true" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubelab-grader }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: "${graderUser}" }
`;

/** Signs a client certificate for `user` with the lab CA; returns PEM cert and key. */
export async function issueClientCert(pkiDir: string, user: string, group: string, workDir: string): Promise<{ cert: string; key: string }> {
  const key = join(workDir, `${safe(user)}.key`);
  const csr = join(workDir, `${safe(user)}.csr`);
  const crt = join(workDir, `${safe(user)}.crt`);
  await must('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  await must('openssl', ['req', '-new', '-key', key, '-subj', `/O=${group}/CN=${user}`, '-out', csr]);
  await must('openssl', [
    'x509', '-req', '-in', csr, '-CA', join(pkiDir, 'ca.crt'), '-CAkey', join(pkiDir, 'ca.key'),
    '-set_serial', '0x' + randomBytes(12).toString('hex'), '-days', '3650', '-out', crt,
  ]);
  return { cert: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') };
}

async function must(file: string, args: string[]): Promise<void> {
  const r = await run(file, args, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${file} ${args[0]} failed: ${r.stderr.trim()}`);
}

const safe = (s: string) => s.replace(/[^a-z0-9-]/gi, '-');

/** Writes a kubeconfig (mode 0600) for one identity against one API server. */
export function writeKubeconfig(path: string, o: { cluster: string; server: string; caPem: string; user: string; certPem: string; keyPem: string; namespace?: string }): void {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: o.cluster, cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: o.user, user: { 'client-certificate-data': b64(o.certPem), 'client-key-data': b64(o.keyPem) } }],
    contexts: [{ name: o.cluster, context: { cluster: o.cluster, user: o.user, namespace: o.namespace ?? 'default' } }],
    'current-context': o.cluster,
    preferences: {},
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
}
