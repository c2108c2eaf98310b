/**
 * The learner and grader identities of a lab cluster (kwok, kind, minikube): client certificates
 * signed by the cluster's CA, and kubeconfig files (their rights: lab-role.ts).
 * The admin identity is the one the cluster tool made (system:masters).
 *
 * When a CA signs for one lab only (kwok, kind), the fixed user names below are enough: the
 * certificates are worthless at any other lab's API server. When one CA signs for many clusters
 * (minikube shares its CA between profiles), the user names carry the lab name so a credential of
 * one lab authenticates at another as a user with no rights there.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from './run.js';

export const learnerUser = 'kubelab:learner';
export const graderUser = 'kubelab:grader';

/** Signs a client certificate for `user` with the CA in pkiDir (ca.crt, ca.key); returns PEM cert and key. */
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

/**
 * Issues the learner and grader certificates of a lab and writes their kubeconfigs into `dir`
 * (learner.kubeconfig, grader.kubeconfig). The intermediate key, CSR and certificate files are removed.
 */
export async function writeCertIdentities(o: {
  dir: string;
  pkiDir: string;
  cluster: string;
  server: string;
  caPem: string;
  users?: { learner: string; grader: string };
}): Promise<{ learner: string; grader: string }> {
  const users = o.users ?? { learner: learnerUser, grader: graderUser };
  const make = async (user: string, group: string, file: string) => {
    const { cert, key } = await issueClientCert(o.pkiDir, user, group, o.dir);
    writeKubeconfig(join(o.dir, file), { cluster: o.cluster, server: o.server, caPem: o.caPem, user, certPem: cert, keyPem: key });
    for (const ext of ['key', 'csr', 'crt']) rmSync(join(o.dir, `${safe(user)}.${ext}`), { force: true });
    return join(o.dir, file);
  };
  return {
    learner: await make(users.learner, 'kubelab:learners', 'learner.kubeconfig'),
    grader: await make(users.grader, 'kubelab:graders', 'grader.kubeconfig'),
  };
}

/** Writes a kubeconfig (mode 0600) for one identity against one API server. */
export function writeKubeconfig(path: string, o: { cluster: string; server: string; caPem: string; user: string; certPem: string; keyPem: string; namespace?: string }): void {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  writeKubeconfigDoc(path, o, { 'client-certificate-data': b64(o.certPem), 'client-key-data': b64(o.keyPem) });
}

/** Writes a kubeconfig (mode 0600) whose identity is a bearer token (a ServiceAccount's). */
export function writeTokenKubeconfig(path: string, o: { cluster: string; server: string; caPem?: string; insecure?: boolean; user: string; token: string; namespace?: string }): void {
  writeKubeconfigDoc(path, o, { token: o.token });
}

function writeKubeconfigDoc(
  path: string,
  o: { cluster: string; server: string; caPem?: string; insecure?: boolean; user: string; namespace?: string },
  credential: Record<string, string>,
): void {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cluster: Record<string, unknown> = { server: o.server };
  if (o.caPem) cluster['certificate-authority-data'] = b64(o.caPem);
  else if (o.insecure) cluster['insecure-skip-tls-verify'] = true;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: o.cluster, cluster }],
    users: [{ name: o.user, user: credential }],
    contexts: [{ name: o.cluster, context: { cluster: o.cluster, user: o.user, namespace: o.namespace ?? 'default' } }],
    'current-context': o.cluster,
    preferences: {},
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
}
