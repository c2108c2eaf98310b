// Finds import cycles among the TypeScript files of the given folders (type-only imports count:
// they are dependencies of the design too). Run as a script it checks server/, client/, sandbox/
// and shared/ and exits 1 on a cycle; the unit test test/unit/import-cycles.test.ts calls it too.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

function tsFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The files `file` imports (relative specifiers only; `.js` in a specifier names the `.ts` source). */
function importsOf(file) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const out = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = resolve(dirname(file), fileName);
    const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')];
    const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (hit) out.push(hit);
  }
  return out;
}

/**
 * Every import cycle among the files under `dirs` (imports into other folders are followed, so a
 * cycle through a shared module is found too). Returns each cycle once, as paths relative to `root`
 * with the first file repeated at the end: ['a.ts', 'b.ts', 'a.ts'].
 */
export function findImportCycles(dirs, root = process.cwd()) {
  const graph = new Map();
  const queue = dirs.flatMap((d) => tsFiles(resolve(root, d)));
  while (queue.length) {
    const f = queue.pop();
    if (graph.has(f)) continue;
    const deps = importsOf(f);
    graph.set(f, deps);
    queue.push(...deps.filter((d) => !graph.has(d)));
  }
  // Tarjan's strongly connected components: every component with more than one file (or a file
  // importing itself) holds at least one cycle; report one shortest cycle through its first file.
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], onStack = new Set(), components = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const c = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(c);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return components.map((c) => {
    const inC = new Set(c);
    const start = [...c].sort()[0];
    // Breadth-first from start back to start, inside the component.
    const prev = new Map([[start, null]]);
    const q = [start];
    let end;
    while (q.length && !end) {
      const v = q.shift();
      for (const w of graph.get(v) ?? []) {
        if (!inC.has(w)) continue;
        if (w === start) { end = v; break; }
        if (!prev.has(w)) { prev.set(w, v); q.push(w); }
      }
    }
    const path = [start];
    for (let v = end; v !== start; v = prev.get(v)) path.splice(1, 0, v);
    path.push(start);
    return path.map((p) => relative(root, p));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const cycles = findImportCycles(['server', 'client', 'sandbox', 'shared'], root);
  for (const c of cycles) console.error(`import cycle: ${c.join(' -> ')}`);
  if (cycles.length) process.exit(1);
  console.log('no import cycles in server/, client/, sandbox/, shared/');
}
