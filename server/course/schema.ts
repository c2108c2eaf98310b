/** Schemas of lesson front matter, quiz questions and exercise.yaml (unknown fields rejected). */
import { z } from 'zod';
import { checkSchema } from '../grading/schema.js';
import type { LabFeature } from '../../sandbox/index.js';

export const idPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const id = z.string().regex(idPattern, 'ids are lowercase letters, digits and dashes');
const text = z.string().trim().min(1);

/**
 * output: what a command printed, verbatim (a scenario question: "this is what you see; what is
 * wrong?"). Shown under the prompt in a monospace block; taken from a real lab, not invented.
 */
const output = z.string().min(1).max(4000).optional();
const questionBase = { id, prompt: text, output, explanation: text };
/** Options are distinct: pages show them shuffled per learner and send the chosen ones back as text. */
const options = z.array(text).min(2).refine((o) => new Set(o).size === o.length, { message: 'options must be distinct (answers are sent back as option text)' });

const single = z
  .object({ ...questionBase, kind: z.literal('single'), options, answer: z.number().int().min(0) })
  .strict()
  .refine((q) => q.answer < q.options.length, { message: 'answer is the index of an option (counting from 0)', path: ['answer'] });

const multiple = z
  .object({ ...questionBase, kind: z.literal('multiple'), options, answer: z.array(z.number().int().min(0)).min(1) })
  .strict()
  .refine((q) => q.answer.every((a) => a < q.options.length) && new Set(q.answer).size === q.answer.length, {
    message: 'answer lists distinct indexes of options (counting from 0)',
    path: ['answer'],
  });

/** Options are written in the right order; the page shuffles them. */
const order = z.object({ ...questionBase, kind: z.literal('order'), options }).strict();

const short = z.object({ ...questionBase, kind: z.literal('short'), accept: z.array(text).min(1) }).strict();

export const quizQuestionSchema = z.discriminatedUnion('kind', [single.innerType(), multiple.innerType(), order, short]).superRefine((q, ctx) => {
  // discriminatedUnion needs plain objects, so the cross-field rules run here.
  const r = q.kind === 'single' ? single.safeParse(q) : q.kind === 'multiple' ? multiple.safeParse(q) : undefined;
  if (r && !r.success) for (const i of r.error.issues) ctx.addIssue(i);
});

export type QuizQuestion = z.output<typeof quizQuestionSchema>;

export const frontMatterSchema = z
  .object({
    id,
    title: text,
    minutes: z.number().int().min(1).max(120),
    goal: text,
    /** Features the whole lesson needs, e.g. [containers]: the index and the page say which provider to use. */
    requires: z.array(z.enum(['cluster-scope', 'set-component', 'containers'])).default([]),
    exercises: z.array(id).default([]),
    quiz: z.array(quizQuestionSchema).default([]),
  })
  .strict()
  .superRefine((fm, ctx) => {
    fm.exercises.forEach((e, i) => {
      if (fm.exercises.indexOf(e) !== i) ctx.addIssue({ code: 'custom', path: ['exercises', i], message: `exercise ${e} is listed twice` });
    });
    fm.quiz.forEach((q, i) => {
      if (fm.quiz.findIndex((o) => o.id === q.id) !== i) ctx.addIssue({ code: 'custom', path: ['quiz', i, 'id'], message: `quiz question id ${q.id} is used twice in this lesson` });
    });
  });

export type FrontMatter = z.output<typeof frontMatterSchema>;

/** The lab features an exercise may require (sandbox's LabFeature; 'workers' is a lab's, not an exercise's). */
export const features = ['cluster-scope', 'set-component', 'containers'] as const satisfies readonly LabFeature[];
export type RequiredFeature = (typeof features)[number];
const relativePath = z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'a relative path inside the exercise folder');

const trialSchema = z
  .object({
    script: relativePath,
    passes: z.boolean(),
    /** A word the message of a failing check must contain, so a failure names the wrong detail. */
    failsWith: text.optional(),
    /** What the trial tries, for test output. */
    note: text.optional(),
    /**
     * A control-plane component stopped after the script, then a second script: the state a
     * learner sees when a controller has not caught up (stale status). Started again afterwards.
     */
    thenStop: z.enum(['kube-scheduler', 'kube-controller-manager']).optional(),
    then: relativePath.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (!t.thenStop !== !t.then) ctx.addIssue({ code: 'custom', path: ['then'], message: 'thenStop and then go together: the component stopped, then the script run' });
    if (!t.passes && !t.failsWith) ctx.addIssue({ code: 'custom', path: ['failsWith'], message: 'a failing trial says which word its failure message must contain (failsWith)' });
    if (t.passes && t.failsWith) ctx.addIssue({ code: 'custom', path: ['failsWith'], message: 'failsWith only makes sense for a trial that fails' });
  });

export type Trial = z.output<typeof trialSchema>;

export const exerciseSchema = z
  .object({
    id,
    title: text,
    task: text,
    requires: z.array(z.enum(features)).default([]),
    setup: relativePath.optional(),
    /** Control-plane components to stop (or start) before the setup script; cleanup restores them. */
    setupComponents: z.record(z.enum(['kube-scheduler', 'kube-controller-manager']), z.enum(['stopped', 'running'])).optional(),
    solution: relativePath,
    cleanup: relativePath.optional(),
    /** Commands typed into the learner's terminal once setup has run (an imported scenario's foreground). */
    foreground: relativePath.optional(),
    /**
     * Scripts (setup, solution, cleanup, script checks) run in the host view: uid 0 in a sandbox whose
     * /root is the learner's home (read-only for checks), kubectl mapping scenario node names to the
     * lab's. For imported scenarios, whose scripts expect a lab host. See sandbox/host-view.ts.
     */
    hostView: z
      .object({ nodeNames: z.record(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'a node name'), z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'a lab variable, e.g. worker1')).default({}) })
      .strict()
      .optional(),
    hints: z.array(text).default([]),
    checks: z.array(checkSchema).min(1, 'an exercise needs at least one check'),
    trials: z.array(trialSchema).default([]),
  })
  .strict();

export type ExerciseFile = z.output<typeof exerciseSchema>;
