/** What every CLI command module shares: the Command shape, config flags, error reporting. */
import type { ParseArgsConfig } from 'node:util';
import { UserError, messageOf } from '../errors.js';

export interface Command {
  /** Words that select the command, e.g. ['lab', 'create']. */
  path: string[];
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments the command takes at least and at most. */
  positionals?: [min: number, max: number];
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }): Promise<number>;
}

/** Flags every command that reads the config accepts. */
export const configFlags = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  'cache-dir': { type: 'string' },
  'lessons-dir': { type: 'string' },
  provider: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Prints an error as one line (plus a hint line for errors a user can fix) and returns the exit code. */
export function reportError(prefix: string, err: unknown): number {
  if (err instanceof UserError || (err instanceof Error && err.name === 'SandboxError')) {
    const hint = (err as UserError).hint;
    console.error(`${prefix}: ${err.message}${hint ? `\n  ${hint}` : ''}`);
    return 1;
  }
  console.error(`${prefix}: unexpected error: ${messageOf(err)}`);
  if (process.env.KUBELAB_DEBUG) console.error(err);
  return 1;
}

/** Reads the config flags of a command into the config loader's input. */
export function configInput(values: Record<string, unknown>): Record<string, unknown> {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const num = (k: string) => {
    const v = str(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UserError(`--${k} must be a number, got "${v}"`);
    return n;
  };
  return {
    config: str('config'),
    dataDir: str('data-dir'),
    cacheDir: str('cache-dir'),
    lessonsDir: str('lessons-dir'),
    provider: str('provider'),
    host: str('host'),
    port: num('port'),
    workers: num('workers'),
    poolSize: num('pool-size'),
  };
}
