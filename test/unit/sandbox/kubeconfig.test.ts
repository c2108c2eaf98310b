import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterOf, learnerContextOf, tokenOf, withNamespace, withServer } from '../../../sandbox/kubeconfig.js';
import { kubectl, kubectlPath } from '../../../sandbox/index.js';

const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nPEM\n-----END CERTIFICATE-----\n').toString('base64');
const local = `apiVersion: v1
kind: Config
current-context: lab
contexts:
  - name: lab
    context: { cluster: lab, user: learner }
clusters:
  - name: lab
    cluster: { server: https://127.0.0.1:32001, certificate-authority-data: ${ca} }
users:
  - name: learner
    user: { client-certificate-data: Y2VydA==, client-key-data: a2V5 }
`;
const remote = local.replace('https://127.0.0.1:32001', 'https://k8s.example.com:6443').replace('client-certificate-data: Y2VydA==, client-key-data: a2V5', 'token: abc.def');

describe('kubeconfigs', () => {
  it('point a learner kubeconfig at the jail endpoint, keeping a remote server name for TLS and everything else', async () => {
    const l = parse(await withServer(local, 'https://127.0.0.1:6443'));
    expect(l.clusters).toEqual([{ name: 'lab', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': ca, 'insecure-skip-tls-verify': false } }]);
    expect(l.users).toEqual([{ name: 'learner', user: { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' } }]);
    expect(l.contexts).toEqual([{ name: 'lab', context: { cluster: 'lab', user: 'learner' } }]);
    expect(l['current-context']).toBe('lab');
    const r = parse(await withServer(remote, 'https://127.0.0.1:6443'));
    expect(r.clusters[0].cluster).toMatchObject({ server: 'https://127.0.0.1:6443', 'tls-server-name': 'k8s.example.com' });
    await expect(withServer('apiVersion: v1\nkind: Config\nclusters: []\n', 'https://127.0.0.1:6443', 'the learner kubeconfig x')).rejects.toThrow('the learner kubeconfig x names no cluster');
  });

  it('set every context’s namespace, and read server, CA and token', async () => {
    expect(parse(await withNamespace(local, 'lab-ns')).contexts).toEqual([{ name: 'lab', context: { cluster: 'lab', user: 'learner', namespace: 'lab-ns' } }]);
    expect(await clusterOf(local)).toEqual({ server: 'https://127.0.0.1:32001', caPem: Buffer.from(ca, 'base64').toString(), insecure: false });
    expect(await tokenOf(remote)).toBe('abc.def');
    expect(await tokenOf(local)).toBe('');
    await expect(clusterOf('apiVersion: v1\nkind: Config\n')).rejects.toThrow('the kubeconfig names no cluster server');
  });

  it('read a learner-edited kubeconfig as data: its current context, and no file it names', () => {
    const edited = `${local.replace('context: { cluster: lab, user: learner }', 'context: { cluster: lab, user: learner, namespace: team-a }')}
  - name: sneaky
    user: { token-file: /dev/zero }
`;
    expect(learnerContextOf(edited)).toEqual({ name: 'lab', namespace: 'team-a', namespaceSet: true, cluster: 'lab', user: 'learner' });
    expect(learnerContextOf('')).toEqual({ name: '', namespace: 'default', namespaceSet: false, cluster: '', user: '' });
  });

  it.skipIf(!existsSync(kubectlPath()))('writes kubeconfigs kubectl reads as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-kc-'));
    try {
      const file = join(dir, 'config');
      writeFileSync(file, await withNamespace(await withServer(remote, 'https://127.0.0.1:6443'), 'team-a'));
      const view = await kubectl(file, ['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.server} {.clusters[0].cluster.tls-server-name} {.contexts[0].context.namespace} {.users[0].user.token}']);
      expect(view).toBe('https://127.0.0.1:6443 k8s.example.com team-a abc.def');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
