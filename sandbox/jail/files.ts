/** The few files a jail is given: its own /etc/passwd, /etc/group and /etc/hosts, and its kubeconfig. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { SandboxError } from '../provider.js';

/** The learner's identity inside every jail. */
export const jailUser = { name: 'learner', uid: 1000, gid: 1000, home: '/home/learner' } as const;

/** Inside the jail the lab's API server is here (socat forwards it to the gate). */
export const jailApiPort = 6443;
export const jailApiServer = `https://127.0.0.1:${jailApiPort}`;

export const passwdFile = `root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
${jailUser.name}:x:${jailUser.uid}:${jailUser.gid}:Kubernetes learner:${jailUser.home}:/bin/bash
`;

export const groupFile = `root:x:0:
nogroup:x:65534:
${jailUser.name}:x:${jailUser.gid}:
`;

export function hostsFile(hostname: string): string {
  return `127.0.0.1 localhost ${hostname}\n::1 localhost ip6-localhost ip6-loopback\n`;
}

/**
 * The learner kubeconfig with every cluster's server pointed at the in-jail endpoint. The API
 * server's certificate must name 127.0.0.1 (kwok's does), so TLS verification stays on.
 */
export function rewriteKubeconfig(source: string, target: string, server = jailApiServer): void {
  let doc: { clusters?: { cluster?: { server?: string; 'tls-server-name'?: string } }[] };
  try {
    doc = parse(readFileSync(source, 'utf8')) as typeof doc;
  } catch (err) {
    throw new SandboxError(`cannot read the learner kubeconfig ${source}: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc.clusters) || doc.clusters.length === 0) throw new SandboxError(`the learner kubeconfig ${source} names no cluster`);
  for (const c of doc.clusters) {
    if (!c.cluster) continue;
    const original = c.cluster.server ? new URL(c.cluster.server).hostname.replace(/^\[|\]$/g, '') : '';
    c.cluster.server = server;
    // A remote API server (the existing provider) keeps its own name for TLS verification.
    if (original && !/^(127\.|::1$|localhost$)/.test(original) && !c.cluster['tls-server-name']) c.cluster['tls-server-name'] = original;
  }
  writeFileSync(target, stringify(doc), { mode: 0o600 });
}

/** host:port of an https:// API server URL (the lab's, on the host). */
export function endpointOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}
