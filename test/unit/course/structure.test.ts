/**
 * The shape of the real course in lessons/: what the course issue asks of every lesson, checked
 * without a cluster. The Run blocks themselves are run on a real lab by
 * test/integration/run-blocks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { loadCourse, type Lesson } from '../../../server/course.js';
import { exerciseMarkers } from '../../../server/course/markers.js';
import { lessonImagePattern } from '../../../server/course/render.js';
import { packageRoot } from '../../../sandbox/index.js';
import { runBlocks } from '../../helpers/lesson-blocks.js';

const lessonsDir = join(packageRoot, 'lessons');
const course = loadCourse(lessonsDir);

/** The exercise catalog (shared design, CATALOG.md): these ids are fixed. */
const catalog = [
  'first-pod',
  'namespace-and-context',
  'config-in-etcd',
  'scale-web',
  'rollout-undo',
  'expose-clusterip',
  'expose-nodeport',
  'headless-service',
  'taint-node',
  'tolerate-and-select',
  'node-affinity',
  'manual-schedule',
  'probes',
  'resources',
  'quota',
  'cordon-drain',
  'pdb',
  'rbac-read-only',
  'secure-pod',
  'secret-env',
  'init-container',
  'job-complete',
  'daemonset',
];

const md = new MarkdownIt({ html: false });

interface ImageRef {
  src: string;
  alt: string;
  line: number;
}

function images(lesson: Lesson): ImageRef[] {
  const out: ImageRef[] = [];
  for (const t of md.parse(lesson.body, {})) {
    for (const c of t.children ?? []) {
      if (c.type === 'image') out.push({ src: c.attrGet('src') ?? '', alt: c.content.trim(), line: lesson.bodyLine + (t.map?.[0] ?? 0) });
    }
  }
  return out;
}

const where = (lesson: Lesson) => basename(lesson.dir);

describe('the course', () => {
  it('loads without a single lint problem', () => {
    expect(course.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  });

  it('has at least 12 lessons, numbered in order, with unique ids', () => {
    expect(course.lessons.length).toBeGreaterThanOrEqual(12);
    const folders = readdirSync(lessonsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.'));
    expect(course.lessons.length).toBe(folders.length);
    course.lessons.forEach((l, i) => expect(where(l).slice(0, 2), where(l)).toBe(String(i + 1).padStart(2, '0')));
    expect(new Set(course.lessons.map((l) => l.id)).size).toBe(course.lessons.length);
  });

  it('takes 10 to 30 minutes per lesson, with a title and a goal', () => {
    for (const l of course.lessons) {
      expect(l.minutes, where(l)).toBeGreaterThanOrEqual(10);
      expect(l.minutes, where(l)).toBeLessThanOrEqual(30);
      expect(l.title.length, where(l)).toBeGreaterThan(5);
      expect(l.goal.length, where(l)).toBeGreaterThan(20);
    }
  });

  it('holds every catalog exercise in exactly one lesson', () => {
    expect(new Set(catalog).size).toBe(23);
    for (const id of catalog) {
      const holders = course.lessons.filter((l) => l.exerciseIds.includes(id)).map(where);
      expect(holders, id).toHaveLength(1);
      expect(course.exercises.get(id)?.id, id).toBe(id);
    }
  });

  it('places every exercise of the front matter exactly once in the body, in the same order, and nothing else', () => {
    for (const l of course.lessons) {
      const markers = exerciseMarkers(l.body, l.bodyLine).map((m) => m.id);
      expect(markers, where(l)).toEqual(l.exerciseIds);
      // What the front matter lists, not just what loaded.
      const listed = /^exercises:\s*\[(.*)\]\s*$/m.exec(readFileSync(l.file, 'utf8'))?.[1]?.split(',').map((s) => s.trim()).filter(Boolean);
      if (listed) expect(markers, where(l)).toEqual(listed);
      const folders = existsSync(join(l.dir, 'exercises')) ? readdirSync(join(l.dir, 'exercises')).sort() : [];
      expect([...markers].sort(), where(l)).toEqual(folders);
    }
  });

  it('ends every lesson with a quiz of at least 5 questions of several kinds, each explained', () => {
    for (const l of course.lessons) {
      expect(l.quiz.length, where(l)).toBeGreaterThanOrEqual(5);
      expect(new Set(l.quiz.map((q) => q.kind)).size, `${where(l)}: kinds of questions`).toBeGreaterThanOrEqual(3);
      for (const q of l.quiz) {
        expect(q.explanation.trim().length, `${where(l)} ${q.id}: explanation`).toBeGreaterThanOrEqual(20);
        if (q.kind === 'single' || q.kind === 'multiple' || q.kind === 'order') expect(q.options.length, `${where(l)} ${q.id}`).toBeGreaterThanOrEqual(q.kind === 'order' ? 3 : 2);
        if (q.kind === 'short') expect(q.accept.length, `${where(l)} ${q.id}`).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('asks at least 2 scenario questions per lesson, each showing the command output it is about', () => {
    for (const l of course.lessons) {
      const scenarios = l.quiz.filter((q) => q.output !== undefined);
      expect(scenarios.length, `${where(l)}: scenario questions`).toBeGreaterThanOrEqual(2);
      for (const q of scenarios) {
        // Output of a command: several lines, or one long line such as an error message.
        const lines = q.output!.split('\n');
        expect(lines.length > 1 || lines[0]!.length > 60, `${where(l)} ${q.id}: output looks like command output`).toBe(true);
        expect(q.output, `${where(l)} ${q.id}: output has no tabs (they render unevenly)`).not.toContain('\t');
      }
    }
  });

  it('gives every exercise hints in steps: two or more pointers, none of them a command line of the reference solution', () => {
    // The command is the last step, on request: a failed check's hint, or the lesson's solution.
    const words = (t: string) => t.replace(/`/g, '').replace(/\s+/g, ' ').trim();
    const problems: string[] = [];
    for (const l of course.lessons) {
      for (const ex of l.exercises) {
        if (ex.hints.length < 2) problems.push(`${ex.id}: ${ex.hints.length} hint(s)`);
        const commands = readFileSync(ex.solution, 'utf8').split('\n').map(words).filter((c) => /^kubectl\s/.test(c) && c.length > 20);
        ex.hints.forEach((hint, i) => {
          for (const c of commands) if (words(hint).includes(c)) problems.push(`${ex.id}: hint ${i + 1} hands out the solution's \`${c}\``);
        });
      }
    }
    expect(problems).toEqual([]);
  });

  it('illustrates every lesson with at least one diagram that exists and has alt text', () => {
    for (const l of course.lessons) {
      const refs = images(l);
      expect(refs.filter((r) => r.src.endsWith('.svg')).length, `${where(l)}: SVG diagrams`).toBeGreaterThanOrEqual(1);
      for (const r of refs) {
        const at = `${where(l)}/lesson.md:${r.line} ${r.src}`;
        expect(lessonImagePattern.test(r.src), `${at}: images come from the lesson's images/ folder`).toBe(true);
        expect(existsSync(join(l.dir, r.src)), `${at}: file exists`).toBe(true);
        expect(r.alt.length, `${at}: alt text`).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it('draws diagrams that read in light and dark themes and name themselves', () => {
    for (const l of course.lessons) {
      const dir = join(l.dir, 'images');
      const files = existsSync(dir) ? readdirSync(dir) : [];
      const used = new Set(images(l).map((r) => basename(r.src)));
      for (const f of files) {
        expect(used.has(f), `${where(l)}/images/${f} is used by the lesson`).toBe(true);
        if (!f.endsWith('.svg')) continue;
        const svg = readFileSync(join(dir, f), 'utf8');
        expect(svg, `${where(l)}/images/${f}`).toMatch(/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/);
        expect(svg, `${where(l)}/images/${f}: <title>`).toMatch(/<title[^>]*>[^<]{5,}<\/title>/);
        expect(svg, `${where(l)}/images/${f}: currentColor`).toContain('currentColor');
        expect(svg, `${where(l)}/images/${f}: no scripts`).not.toMatch(/<script|\son[a-z]+=/i);
      }
    }
  });

  it('writes Run blocks that never wait for the learner', () => {
    const problems: string[] = [];
    for (const l of course.lessons) {
      for (const b of runBlocks(l)) {
        if (b.needsContainers) continue;
        // Each kubectl command of the block, with what precedes it on its line (a `timeout N`).
        for (const segment of b.source.split(/[|;&\n]+/)) {
          const m = /^(\s*(?:timeout\s+\S+\s+)?)kubectl\s(.*)$/.exec(segment.trim());
          if (!m) continue;
          const [, prefix = '', args = ''] = m;
          if (/(^|\s)(--watch|-w)(=true)?(\s|$)/.test(args) && !/timeout/.test(prefix)) problems.push(`${b.where}: a watch without timeout: ${segment.trim()}`);
          if (/(^|\s)(-it|-ti|-i|-t|--stdin|--tty)(=true)?(\s|$)/.test(args.split(' -- ')[0]!) || /^(edit|attach)\b/.test(args)) problems.push(`${b.where}: waits for input: ${segment.trim()}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('marks Run blocks only with info words the page knows', () => {
    const known = new Set(['run', 'needs-containers', 'expect-fail']);
    const unknown = course.lessons.flatMap((l) => runBlocks(l)).flatMap((b) => b.flags.filter((f) => !known.has(f)).map((f) => `${b.where}: ${f}`));
    expect(unknown).toEqual([]);
  });
});
