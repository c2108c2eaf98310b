/** Rules of the layout that the type checker cannot see (docs/architecture.md). */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../sandbox/index.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(relative(packageRoot, p));
  }
  return out;
}

const code = ['server', 'sandbox', 'shared', 'client'].flatMap((d) => sources(join(packageRoot, d)));
const inStore = (f: string) => f === 'server/store.ts' || f.startsWith('server/store/');
const matching = (files: string[], pattern: RegExp) => files.filter((f) => pattern.test(readFileSync(join(packageRoot, f), 'utf8')));

describe('the layout', () => {
  it('keeps SQL in server/store: nothing else opens the database or runs a statement on it', () => {
    expect(code.length).toBeGreaterThan(100);
    expect(matching(code.filter((f) => !inStore(f)), /from 'better-sqlite3'|\.db\.(prepare|exec|transaction|pragma)\(/)).toEqual([]);
    // The rule sees SQL where it is: the store itself is full of it.
    expect(matching(code.filter(inStore), /\.prepare\(/).length).toBeGreaterThan(5);
  });

  it('reads kubeconfigs in one module: sandbox/kubeconfig.ts with its private folder (identities.ts only writes the ones kubelab makes)', () => {
    const readers = matching(code, /@kubernetes\/client-node|current-context|'tls-server-name'|\.contexts\b|clusters\?*\.\s*(find|map)|server:\\s/);
    const moduleOf = (f: string) => (f.startsWith('sandbox/kubeconfig/') ? 'sandbox/kubeconfig.ts' : f);
    expect([...new Set(readers.map(moduleOf))].sort()).toEqual(['sandbox/identities.ts', 'sandbox/kubeconfig.ts']);
  });
});
