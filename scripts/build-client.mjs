// Bundles the browser code: every client/entries/*.ts becomes dist/client/<name>.js (with its CSS).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entriesDir = join(root, 'client', 'entries');
const entryPoints = existsSync(entriesDir) ? readdirSync(entriesDir).filter((f) => f.endsWith('.ts')).map((f) => join(entriesDir, f)) : [];
mkdirSync(join(root, 'dist', 'client'), { recursive: true });
if (entryPoints.length > 0) {
  await build({
    entryPoints,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outdir: join(root, 'dist', 'client'),
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    loader: { '.css': 'css' },
  });
}
console.log(`client: ${entryPoints.length} entr${entryPoints.length === 1 ? 'y' : 'ies'} bundled`);
