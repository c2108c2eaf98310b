/**
 * kind labs on a real Docker engine, built offline (`kubelab setup --provider kind`): the shared
 * container-provider suite, plus what is kind's own: the learner's jail reaches this lab's API
 * server and nothing else, the workload stand-ins say what they are, and delete leaves no container,
 * network, volume or kubeconfig. Skipped, with the reason, where kind labs cannot run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultCacheDir, KindProvider, openShell, run, type Lab, type ShellCommand } from '../../sandbox/index.js';
import { providerSuite } from '../helpers/provider-suite.js';

const workDir = join(tmpdir(), `kubelab-kind-${randomBytes(4).toString('hex')}`);
const provider = new KindProvider({ workDir, cacheDir: defaultCacheDir() });

const docker = async (...args: string[]) => {
  const r = await run('docker', args, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const volumesBefore = new Set((await docker('volume', 'ls', '-q').catch(() => '')).split('\n').filter(Boolean));

/** Runs a script in a shell started from `command` (stdin, no terminal); resolves with its output. */
function runIn(command: ShellCommand, script: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, { env: command.env, cwd: command.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.stdin.end(`${script}\nexit\n`);
  });
}

await providerSuite(provider, {
  tests: (lab: () => Lab) => {
    it('gives the learner a jailed shell that reaches this lab’s API server and nothing else', async () => {
      const l = lab();
      const runDir = mkdtempSync(join(tmpdir(), 'kubelab-kind-jail-'));
      const shell = await openShell({ jailed: true, runDir, kubeconfig: l.kubeconfigs.learner, apiServer: l.server, hostname: l.name, hostUid: process.getuid?.() === 0 ? 900_999 : undefined });
      try {
        const nodeIp = await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', l.variables.controlPlane!);
        const apiPort = new URL(l.server).port;
        const out = await runIn(
          shell.command,
          [
            'echo "nodes: $(kubectl get nodes -o name | wc -l)"',
            // The node's own API server port, its kubelet, the host's published API port: no route.
            `curl -sk -m 5 https://${nodeIp}:6443/version >/dev/null 2>&1 && echo "node-api: open" || echo "node-api: closed"`,
            `curl -sk -m 5 https://${nodeIp}:10250/healthz >/dev/null 2>&1 && echo "kubelet: open" || echo "kubelet: closed"`,
            `curl -sk -m 5 https://127.0.0.1:${apiPort}/version >/dev/null 2>&1 && echo "host-port: open" || echo "host-port: closed"`,
            '[ -e /var/run/docker.sock ] && echo "docker-socket: present" || echo "docker-socket: absent"',
            // /usr (and so a docker CLI) is readable in the jail; the engine is not reachable from it.
            'docker ps >/dev/null 2>&1 && echo "docker: answers" || echo "docker: unreachable"',
          ].join('\n'),
        );
        expect(out).toContain(`nodes: ${1 + l.workers.length}`);
        expect(out).toContain('node-api: closed');
        expect(out).toContain('kubelet: closed');
        expect(out).toContain('host-port: closed');
        expect(out).toContain('docker-socket: absent');
        expect(out).toContain('docker: unreachable');
      } finally {
        await shell.close();
        rmSync(runDir, { recursive: true, force: true });
      }
    });

    it('runs the workload stand-ins, which say in their image config what they are', async () => {
      const out = await docker('exec', lab().workers[0]!, 'crictl', 'inspecti', '-o', 'json', 'docker.io/library/nginx:1.27');
      const labels = JSON.parse(out).info?.imageSpec?.config?.Labels ?? {};
      expect(labels['io.kubelab.stand-in']).toBe('nginx:1.27');
      expect(labels['org.opencontainers.image.description']).toMatch(/not the official image/);
    });
  },
  afterDelete: async (name: string) => {
    const cluster = `kubelab-${name}`;
    expect(await docker('ps', '-a', '-q', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`)).toBe('');
    expect(await docker('network', 'ls', '-q', '--filter', `name=^${cluster}$`)).toBe('');
    const left = (await docker('volume', 'ls', '-q')).split('\n').filter((v) => v && !volumesBefore.has(v));
    expect(left).toEqual([]);
    expect(existsSync(join(workDir, name))).toBe(false);
  },
});
