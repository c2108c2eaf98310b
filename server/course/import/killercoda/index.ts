/**
 * `kubelab import killercoda <scenario-or-course> [--out DIR]`: Killercoda scenarios as kubelab
 * lessons. Everything is read and converted first; the lessons are written into a hidden folder
 * beside their destination, linted there, and only then renamed into place, so a failure leaves
 * nothing half-written. Scenario scripts are never run here: they run later, in a lab's host view.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { lessonFolderPattern, loadCourse } from '../../../course.js';
import { UserError } from '../../../errors.js';
import { buildLesson, lessonIdOf, reportText, type BuiltLesson, type LessonReport } from './lesson.js';
import { ImportError, otherHostAssets, readCourse, readScenario, type Scenario } from './source.js';

export { ImportError } from './source.js';
export { reportText, type LessonReport } from './lesson.js';

export interface ImportResult {
  /** Absolute paths of the lesson folders written. */
  written: string[];
  reports: LessonReport[];
  /** Course items that were skipped, with the reason. */
  skipped: string[];
}

/** Scenarios of a folder: itself, or the items of its structure.json (nested courses included). */
function scenariosIn(dir: string, skipped: string[], depth = 0): Scenario[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ImportError(dir, 'is not a folder');
  if (existsSync(join(dir, 'index.json'))) return [readScenario(dir)];
  const course = readCourse(dir);
  if (!course) throw new ImportError(dir, 'has no index.json: it is not a Killercoda scenario folder (and has no structure.json for a course)', 'Name a scenario folder (with index.json) or a course folder (with structure.json).');
  if (!course.items.length) throw new ImportError(course.file, 'lists no items');
  const out: Scenario[] = [];
  for (const item of course.items) {
    const sub = resolve(dir, item.path.replace(/\\/g, '/'));
    if (!sub.startsWith(resolve(dir) + '/')) throw new ImportError(course.file, `names ${item.path}, which lies outside the course folder`);
    if (!existsSync(sub)) {
      skipped.push(`${item.path}: listed in ${course.file} but there is no such folder`);
      continue;
    }
    if (depth < 3 && !existsSync(join(sub, 'index.json')) && readCourse(sub)) out.push(...scenariosIn(sub, skipped, depth + 1));
    else out.push(readScenario(sub));
  }
  if (!out.length) throw new ImportError(course.file, 'names no scenario folder that exists');
  return out;
}

function highestNumber(parent: string): number {
  if (!existsSync(parent)) return 0;
  return Math.max(0, ...readdirSync(parent).map((f) => (lessonFolderPattern.test(f) ? Number(f.slice(0, 2)) : 0)));
}

export function importKillercoda(source: string, opts: { out: string }): ImportResult {
  const skipped: string[] = [];
  const scenarios = scenariosIn(resolve(source), skipped);
  const out = resolve(opts.out);
  // --out names the lesson folder itself (one scenario, NN-name) or the lessons folder to add to.
  const single = scenarios.length === 1 && lessonFolderPattern.test(basename(out));
  const parent = single ? dirname(out) : out;
  const existing = existsSync(parent) ? loadCourse(parent) : undefined;
  const usedIds = new Set(existing?.lessons.map((l) => l.id) ?? []);
  let next = highestNumber(parent) + 1;

  const built: { folder: string; lesson: BuiltLesson }[] = [];
  for (const s of scenarios) {
    let id = lessonIdOf(s);
    for (let n = 2; usedIds.has(id); n++) id = `${lessonIdOf(s)}-${n}`;
    usedIds.add(id);
    const folder = single ? basename(out) : `${String(next++).padStart(2, '0')}-${id}`;
    if (Number(folder.slice(0, 2)) > 99 || next > 101) throw new UserError(`${parent} has no free lesson number left for ${s.name}`);
    const target = join(parent, folder);
    if (existsSync(target)) throw new UserError(`${target} already exists; nothing was written`, 'Choose another --out, or remove that lesson first.');
    const lesson = buildLesson(s, id, folder);
    for (const h of otherHostAssets(s.dir)) lesson.report.notes.push(`assets for ${h} are not placed: a kubelab lab has one host, the learner's home`);
    built.push({ folder, lesson });
  }

  mkdirSync(parent, { recursive: true });
  // A dot folder: the course loader skips it, so a server reading `parent` never sees a half-written lesson.
  const temp = mkdtempSync(join(parent, '.kubelab-import-'));
  try {
    for (const { folder, lesson } of built) {
      for (const [rel, f] of lesson.files) {
        const path = join(temp, folder, rel);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.content);
        chmodSync(path, f.mode);
      }
    }
    const lint = loadCourse(temp);
    if (lint.problems.length) {
      throw new UserError(`the imported lessons do not pass kubelab lint; nothing was written:\n${lint.problems.map((p) => `  ${p.file.replace(temp + '/', '')}:${p.line}: ${p.message}`).join('\n')}`, 'This is a bug in the importer: please report it with the scenario.');
    }
    const written: string[] = [];
    for (const { folder } of built) {
      renameSync(join(temp, folder), join(parent, folder));
      written.push(join(parent, folder));
    }
    return { written, reports: built.map((b) => b.lesson.report), skipped };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export function importSummary(r: ImportResult): string {
  const lines = [reportText(r.reports).trimEnd(), ''];
  for (const s of r.skipped) lines.push(`skipped: ${s}`);
  lines.push(`wrote ${r.written.length} lesson${r.written.length === 1 ? '' : 's'}: ${r.written.join(', ')}`);
  return lines.join('\n');
}
