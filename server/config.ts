/**
 * The one typed config object, built once from defaults < file < environment < flags.
 * Every other module receives it (or a slice of it); nothing else reads process.env for settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { UserError } from './errors.js';
import { redact } from './logger.js';

export { packageRoot as repoRoot } from '../sandbox/index.js';
import { packageRoot as repoRoot } from '../sandbox/index.js';

export const providerNames = ['kwok', 'kind', 'minikube', 'existing'] as const;
export type ProviderName = (typeof providerNames)[number];

const configSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    dataDir: z.string().min(1),
    cacheDir: z.string().min(1),
    lessonsDir: z.string().min(1),
    provider: z.enum(['auto', ...providerNames]),
    workers: z.number().int().min(1).max(20),
    /** kubeconfig of an instructor's cluster, for the existing provider. */
    existingKubeconfig: z.string().optional(),
    /** How many ready labs to keep per provider. */
    poolSize: z.number().int().min(0).max(50),
    /** At most this many labs at once; more gives a clear "full, try later". */
    maxLabs: z.number().int().min(1).max(500),
    labIdleMinutes: z.number().positive(),
    /** A lab unused this long is parked (processes stopped, state kept) until its next use; 0: never. */
    labParkMinutes: z.number().min(0),
    /** A lab whose processes use more memory than this (MiB) carries a warning for its learner. */
    labMemoryMiB: z.number().int().min(64),
    /** A lab whose folder takes more disk than this (MiB) carries a warning for its learner. */
    labDiskMiB: z.number().int().min(64),
    terminalIdleMinutes: z.number().positive(),
    /** Origins (scheme://host:port) trusted besides the server's own Host. */
    trustedOrigins: z.array(z.string()),
    /** single-user: one learner, no sign-up (loopback only). accounts: local accounts and roles. */
    auth: z.enum(['single-user', 'accounts']),
    sessionSecret: z.string().optional(),
    /**
     * Addresses (or CIDR ranges, or "loopback") of the reverse proxy in front of kubelab: only requests
     * from them may set X-Forwarded-Proto/-For (TLS ends there; cookies become Secure; sign-in limits
     * count the client's address). Empty: nobody is trusted.
     */
    trustProxy: z.array(
      z.string().refine(isProxyAddress, (v) => ({ message: `"${v}" is not an IP address, a CIDR range or "loopback"; name the proxy's own address, e.g. 127.0.0.1` })),
      { invalid_type_error: 'trustProxy takes the addresses of the reverse proxy, e.g. ["127.0.0.1"] (true is no longer accepted: it trusted every private address)' },
    ),
    /**
     * Accounts mode only: allow kind and minikube labs although a learner with cluster-admin in one
     * can become root on the host (a node is a privileged container). Off: such servers use kwok.
     */
    acceptHostRootRisk: z.boolean(),
    /** Run learner shells under bubblewrap. Off only for development on a machine without it. */
    jail: z.boolean(),
    /** Challenge mode for the whole course: no hints and no solutions reach any learner (a workshop can turn it on for its own). */
    challenge: z.boolean(),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = Partial<Config>;

export function defaultConfig(): Config {
  const dataHome = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  const cacheHome = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return {
    host: '127.0.0.1',
    port: 3000,
    dataDir: join(dataHome, 'kubelab'),
    cacheDir: join(cacheHome, 'kubelab'),
    lessonsDir: join(repoRoot, 'lessons'),
    provider: 'kwok',
    workers: 2,
    poolSize: 0,
    maxLabs: 8,
    labIdleMinutes: 120,
    labParkMinutes: 20,
    // An idle kwok lab holds about 600 MiB and 130 MiB of disk (etcd preallocates its log).
    labMemoryMiB: 1536,
    labDiskMiB: 1024,
    terminalIdleMinutes: 60,
    trustedOrigins: [],
    auth: 'single-user',
    trustProxy: [],
    acceptHostRootRisk: false,
    jail: true,
    challenge: false,
    logLevel: 'info',
  };
}

/** KUBELAB_<NAME> environment variables, parsed to the type of the default they override. */
function fromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {};
  const defaults = defaultConfig() as Record<string, unknown>;
  for (const key of Object.keys(configSchema.shape)) {
    const envName = 'KUBELAB_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
    const raw = env[envName];
    if (raw === undefined) continue;
    out[key] = coerce(key, raw, defaults[key]);
  }
  return out as ConfigInput;
}

function coerce(key: string, raw: string, like: unknown): unknown {
  if (typeof like === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new UserError(`config ${key}: "${raw}" is not a number`);
    return n;
  }
  if (typeof like === 'boolean') {
    if (!['true', 'false', '1', '0'].includes(raw)) throw new UserError(`config ${key}: "${raw}" is not true or false`);
    return raw === 'true' || raw === '1';
  }
  if (Array.isArray(like)) return raw.split(',').map((s) => s.trim()).filter(Boolean);
  return raw;
}

function fromFile(path: string | undefined): ConfigInput {
  if (!path) return {};
  if (!existsSync(path)) throw new UserError(`config file ${path} does not exist`, 'Pass --config with the path of a JSON file, or leave it out.');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ConfigInput;
  } catch (err) {
    throw new UserError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Builds the config: defaults < file (--config or KUBELAB_CONFIG) < env < flags. */
export function loadConfig(flags: ConfigInput & { config?: string } = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const { config: file, ...flagValues } = flags;
  const merged = { ...defaultConfig(), ...fromFile(file ?? env.KUBELAB_CONFIG), ...fromEnv(env), ...dropUndefined(flagValues) };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`config ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const config = parsed.data;
  config.dataDir = resolve(config.dataDir);
  config.cacheDir = resolve(config.cacheDir);
  config.lessonsDir = resolve(config.lessonsDir);
  return config;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** An IP address, a CIDR range (10.0.0.0/8, fd00::/8) or "loopback": what express's trust proxy takes and kubelab allows. */
export function isProxyAddress(v: string): boolean {
  if (v === 'loopback') return true;
  const [ip, bits, extra] = v.split('/');
  const family = isIP(ip ?? '');
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The config as it may be logged: secrets replaced. */
export function printableConfig(config: Config): unknown {
  return redact(config);
}
