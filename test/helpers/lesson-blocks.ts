/**
 * The runnable blocks of a lesson, as the lesson page offers them: every ```bash run fence of the
 * body, in order, with its info words, its line in lesson.md, and its text with lab variables
 * filled the way the renderer fills them (the Run button sends the rendered text). Exercise
 * markers come along with their lines, so a walk can interleave blocks and exercises.
 */
import MarkdownIt from 'markdown-it';
import type { Lesson } from '../../server/course.js';
import { exerciseMarkers } from '../../server/course/markers.js';
import { fillText } from '../../server/course/render/variables.js';

const shells = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

export interface RunBlock {
  lessonId: string;
  /** lesson.md line of the opening fence (1-based). */
  line: number;
  /** `lessons/NN-name/lesson.md:LINE`, for messages. */
  where: string;
  /** Info words after `bash`, e.g. ['run', 'needs-containers']. */
  flags: string[];
  needsContainers: boolean;
  /** Declared to demonstrate an error: some command in it fails on purpose. */
  expectFail: boolean;
  /** The block's text as written (variables unfilled). */
  source: string;
  /** The prose between the previous block (or heading) and this one. */
  before: string;
}

export type LessonStep = { kind: 'block'; block: RunBlock } | { kind: 'exercise'; id: string; line: number };

const md = new MarkdownIt({ html: false });

export function runBlocks(lesson: Pick<Lesson, 'id' | 'body' | 'bodyLine' | 'file'>): RunBlock[] {
  const tokens = md.parse(lesson.body, {});
  const lines = lesson.body.split('\n');
  const rel = lesson.file.replace(/^.*\/(lessons\/)/, '$1');
  const out: RunBlock[] = [];
  let proseFrom = 0;
  for (const t of tokens) {
    if (t.type === 'heading_open' && t.map) proseFrom = t.map[0];
    if (t.type !== 'fence' || !t.map) continue;
    const [lang = '', ...flags] = t.info.trim().split(/\s+/);
    const runnable = flags.includes('run') && shells.has(lang);
    const start = t.map[0];
    if (runnable) {
      const line = lesson.bodyLine + start;
      out.push({
        lessonId: lesson.id,
        line,
        where: `${rel}:${line}`,
        flags,
        needsContainers: flags.includes('needs-containers'),
        expectFail: flags.includes('expect-fail'),
        source: t.content,
        before: lines.slice(proseFrom, start).join('\n'),
      });
    }
    proseFrom = t.map[1];
  }
  return out;
}

/** The lesson's run blocks and exercise markers in reading order. */
export function lessonSteps(lesson: Pick<Lesson, 'id' | 'body' | 'bodyLine' | 'file'>): LessonStep[] {
  const steps: Array<LessonStep & { at: number }> = [
    ...runBlocks(lesson).map((block) => ({ kind: 'block' as const, block, at: block.line })),
    ...exerciseMarkers(lesson.body, lesson.bodyLine).map((m) => ({ kind: 'exercise' as const, id: m.id, line: m.line, at: m.line })),
  ];
  return steps.sort((a, b) => a.at - b.at).map(({ at: _at, ...s }) => s as LessonStep);
}

/**
 * The shell commands of each exercise's `:::solution` in the lesson (the first ```bash fence inside
 * it), by exercise id: what a learner who opens the solution would type.
 */
export function lessonSolutions(lesson: Pick<Lesson, 'id' | 'body' | 'bodyLine' | 'file'>): Map<string, RunBlock> {
  const out = new Map<string, RunBlock>();
  const tokens = md.parse(lesson.body, {});
  const markers = exerciseMarkers(lesson.body, lesson.bodyLine);
  const lines = lesson.body.split('\n');
  const rel = lesson.file.replace(/^.*\/(lessons\/)/, '$1');
  markers.forEach((m, i) => {
    const from = m.line - lesson.bodyLine;
    const to = (markers[i + 1]?.line ?? Infinity) - lesson.bodyLine;
    const open = lines.findIndex((l, k) => k > from && k < to && /^\s*:::\s*solution\b/.test(l));
    if (open < 0) return;
    const fence = tokens.find((t) => t.type === 'fence' && t.map && t.map[0] > open && t.map[0] < to && /^(bash|sh|shell)\b/.test(t.info.trim()));
    if (!fence?.map) return;
    const line = lesson.bodyLine + fence.map[0];
    out.set(m.id, { lessonId: lesson.id, line, where: `${rel}:${line}`, flags: [], needsContainers: false, expectFail: false, source: fence.content, before: '' });
  });
  return out;
}

/** What the Run button sends for a block in a lab with these variables. */
export function commandOf(block: RunBlock, vars: Record<string, string>): string {
  return fillText(block.source, vars);
}
