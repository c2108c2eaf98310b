/**
 * The Debian packages kubelab needs on the host: bubblewrap (the learner jail), socat (the jail's
 * one door to its lab), openssl, and the tools of the learner's shell; chromium for the browser tests. Installed with apt-get
 * when running as root; otherwise the exact command is printed.
 */
import { UserError } from '../errors.js';
import { run } from '../../sandbox/index.js';

const runtimePackages: Record<string, string> = { bwrap: 'bubblewrap', socat: 'socat', openssl: 'openssl', jq: 'jq', yq: 'yq', curl: 'curl', vim: 'vim', nano: 'nano', less: 'less' };
const testPackages: Record<string, string> = { chromium: 'chromium' };
/** What building the kind node image needs: Debian root filesystems, and gcc for the pause binary. */
const kindPackages: Record<string, string> = { mmdebstrap: 'mmdebstrap', gcc: 'build-essential' };

async function has(command: string): Promise<boolean> {
  const r = await run('sh', ['-c', 'command -v "$0" >/dev/null', command], { timeoutMs: 5000 });
  return r.code === 0;
}

export async function ensureSystemPackages(opts: { forTests: boolean; kind?: boolean }): Promise<void> {
  const wanted = { ...runtimePackages, ...(opts.forTests ? testPackages : {}), ...(opts.kind ? kindPackages : {}) };
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(wanted)) if (!(await has(command))) missing.push(pkg);
  if (missing.length === 0) return;
  const cmd = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new UserError(`missing system packages: ${missing.join(', ')}`, `Install them: sudo apt-get update && sudo ${cmd}`);
  }
  process.stderr.write(`[kubelab setup] installing ${missing.join(', ')} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update'], { env, timeoutMs: 600_000 });
  if (update.code !== 0) process.stderr.write(`[kubelab setup] apt-get update failed: ${update.stderr.trim().split('\n').pop()}\n`);
  const install = await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, timeoutMs: 1_200_000 });
  if (install.code !== 0) throw new UserError(`apt-get could not install ${missing.join(', ')}: ${install.stderr.trim().split('\n').pop()}`, `Run: ${cmd}`);
}
