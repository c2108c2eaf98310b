import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kubelab package folder: the nearest folder above this file with kubelab's package.json (same from sources and from dist/). */
export const packageRoot = findPackageRoot(fileURLToPath(new URL('.', import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = resolve(dir, '..')) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kubelab') return dir;
    if (resolve(dir, '..') === dir) throw new Error(`cannot find kubelab's package.json above ${start}`);
  }
}
