/** The learner's kubeconfig as untrusted input: bounded reads, parsing in a worker, hostile documents. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLearnerContext } from '../../../sandbox/kubeconfig.js';
import { maxLearnerFileBytes } from '../../../sandbox/kubeconfig/untrusted.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-untrusted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const good = `apiVersion: v1
kind: Config
clusters: [{ name: lab, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: learner, user: {} }]
contexts:
  - { name: lab, context: { cluster: lab, user: learner, namespace: team-a } }
  - { name: other, context: { cluster: lab, user: learner } }
current-context: lab
`;

describe('reading the learner kubeconfig', () => {
  it('gives the current context', async () => {
    expect(await readLearnerContext(file('good', good))).toEqual({ name: 'lab', namespace: 'team-a', namespaceSet: true, cluster: 'lab', user: 'learner' });
  });

  it('refuses a 30 MiB file without reading it, while the event loop keeps turning', async () => {
    const big = file('big', Buffer.concat([Buffer.from(good + 'junk:\n'), Buffer.alloc(30 * 1024 * 1024, '  - a\n')]));
    let maxLag = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    await expect(readLearnerContext(big)).rejects.toThrow(/larger than 64 KiB/);
    const took = performance.now() - started;
    clearInterval(tick);
    expect(took).toBeLessThan(1000); // read no further than the limit
    expect(maxLag).toBeLessThan(1000);
  });

  it('accepts a file of exactly the limit and refuses one byte more', async () => {
    const pad = (n: number) => good + '#'.repeat(n - Buffer.byteLength(good) - 1) + '\n';
    expect((await readLearnerContext(file('edge', pad(maxLearnerFileBytes)))).name).toBe('lab');
    await expect(readLearnerContext(file('edge1', pad(maxLearnerFileBytes + 1)))).rejects.toThrow(/larger than/);
  });

  it.each([
    ['an alias bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n') + '\ncurrent-context: *j\n'],
    ['deep nesting', '['.repeat(30000) + ']'.repeat(30000)],
    ['not YAML', 'current-context: [unclosed\n  : :'],
  ])('%s is an error, not a crash', async (_what, text) => {
    await expect(readLearnerContext(file('bad', text))).rejects.toThrow();
    // The parser is still there for the next read.
    expect((await readLearnerContext(file('good2', good))).namespace).toBe('team-a');
  });

  it('a document that is not a kubeconfig gives an empty context', async () => {
    expect(await readLearnerContext(file('list', '- 1\n- 2\n'))).toEqual({ name: '', namespace: 'default', namespaceSet: false, cluster: '', user: '' });
    expect(await readLearnerContext(file('empty', ''))).toEqual({ name: '', namespace: 'default', namespaceSet: false, cluster: '', user: '' });
  });
});
