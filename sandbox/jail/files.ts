/** The few files a jail is given: its own /etc/passwd, /etc/group and /etc/hosts, and its kubeconfig. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withServer } from '../kubeconfig.js';
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
export async function rewriteKubeconfig(source: string, target: string, server = jailApiServer): Promise<void> {
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (err) {
    throw new SandboxError(`cannot read the learner kubeconfig ${source}: ${(err as Error).message}`);
  }
  writeFileSync(target, await withServer(text, server, `the learner kubeconfig ${source}`), { mode: 0o600 });
}

/** host:port of an https:// API server URL (the lab's, on the host). */
export function endpointOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}
