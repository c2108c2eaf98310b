// Runs every benchmark in test/bench/ (apart from the tests), one after another; each writes its
// results to test/bench/results/<name>.md. `npm run bench -- lab` runs only test/bench/lab.ts.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const dir = new URL('../test/bench/', import.meta.url).pathname;
const benches = readdirSync(dir).filter((f) => /\.(ts|mjs)$/.test(f) && (only.length === 0 || only.some((o) => f.startsWith(o))));
let failed = 0;
for (const f of benches) {
  console.log(`\n== ${f}`);
  const r = spawnSync('npx', ['tsx', dir + f], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
