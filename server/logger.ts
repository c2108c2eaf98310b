/**
 * The one structured logger. JSON lines in production (KUBELAB_LOG_FORMAT=json or NODE_ENV=production),
 * readable lines otherwise. Secrets are redacted by key name before anything is written.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const secretKey = /pass(word)?|secret|token|cookie|authorization|key$/i;

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = secretKey.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function createLogger(opts: { level?: Level; json?: boolean; base?: Fields; write?: (line: string) => void } = {}): Logger {
  const level = opts.level ?? ((process.env.KUBELAB_LOG_LEVEL as Level | undefined) ?? 'info');
  const json = opts.json ?? (process.env.KUBELAB_LOG_FORMAT === 'json' || process.env.NODE_ENV === 'production');
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = opts.base ?? {};
  const log = (lvl: Level, msg: string, fields?: Fields) => {
    if (order[lvl] < (order[level] ?? 20)) return;
    const all = redact({ ...base, ...fields }) as Fields;
    if (json) {
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...all }));
    } else {
      const extra = Object.entries(all).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
      write(`${new Date().toISOString().slice(11, 19)} ${lvl.padEnd(5)} ${msg}${extra ? ' ' + extra : ''}`);
    }
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (fields) => createLogger({ level, json, write, base: { ...base, ...fields } }),
  };
}

export const logger = createLogger();
