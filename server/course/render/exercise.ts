/**
 * The exercise panel placed by `:::exercise <id>`: title, Prepare my lab first where the exercise
 * starts from a prepared cluster, the task (markdown), hints one at a time, the Check button and the list the results appear in (client/ui/exercise.ts fills it).
 */
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../../http/html.js';
import type { RenderEnv } from './env.js';
import type { RequiredFeature } from '../schema.js';
import type { Exercise } from '../../course.js';

const stateLabel = { passed: 'Passed', trying: 'Not passed yet', 'not-started': 'Not checked yet' } as const;
const featureLabel: Record<RequiredFeature, string> = {
  containers: 'a cluster that runs containers',
  'cluster-scope': 'rights over the whole cluster',
  'set-component': 'stopping and starting control-plane components',
};

const anchor = (id: string) => `exercise-${id.replace(/[^a-z0-9-]/gi, '-')}`;

const needsSetup = (ex: Exercise) => !!ex.setup || !!ex.foreground || !!(ex.setupComponents && Object.keys(ex.setupComponents).length);

/**
 * An exercise that starts from a prepared cluster says so before its task: the task describes the
 * cluster as the set-up leaves it (a namespace that "exists", a Deployment that "is broken"), which
 * is not there until the learner presses Prepare my lab.
 */
function prepareFirst(ex: Exercise): string {
  return (
    `<div class="exercise-prepare"><p class="exercise-setup-note"><strong>First, prepare your lab.</strong> ` +
    `The task below describes your cluster as this exercise sets it up, and that is not there yet: press <strong>Prepare my lab</strong> to create it` +
    `${ex.foreground ? ' (it then types its first commands into your terminal)' : ''}. It may undo the previous exercise's set-up.</p>` +
    `<button type="button" class="btn" data-action="setup">Prepare my lab</button></div>\n`
  );
}

export function exerciseOpen(md: MarkdownIt, id: string, env: RenderEnv): string {
  const ex = env.exercises.get(id);
  if (!ex) {
    return `<section class="exercise missing" role="note"><p><strong>Exercise ${escapeHtml(id)} is not available.</strong> Its files are missing or invalid; <code>kubelab lint</code> says why.</p>\n`;
  }
  const state = env.exerciseState(id);
  const a = anchor(id);
  // Challenge mode: the hints are not sent at all.
  const hints = (env.challenge ? [] : ex.hints)
    .map((hint, i) => `<details class="reveal hint"><summary><span class="kind">Hint ${i + 1}</span> ${i === 0 ? 'Stuck? Show a hint' : 'Show another hint'}</summary><div class="reveal-body">${md.render(hint, env)}</div></details>`)
    .join('\n');
  const requires = ex.requires.length
    ? `<p class="exercise-requires" data-requires="${escapeHtml(ex.requires.join(' '))}">Needs ${escapeHtml(ex.requires.map((f) => featureLabel[f] ?? f).join(' and '))}.</p>`
    : '';
  return (
    `<section class="exercise${state === 'passed' ? ' passed' : ''}" id="${a}" data-exercise="${escapeHtml(id)}" aria-labelledby="${a}-title">\n` +
    `<header class="exercise-head"><div class="titles"><p class="eyebrow">Exercise</p><h3 id="${a}-title">${md.renderInline(ex.title, env)}</h3></div>` +
    `<span class="exercise-state" data-state="${state}">${stateLabel[state]}</span></header>\n` +
    (needsSetup(ex) ? prepareFirst(ex) : '') +
    `<div class="exercise-task">${md.render(ex.task, env)}${requires}</div>\n` +
    hints +
    '\n'
  );
}

export function exerciseClose(id: string, env: RenderEnv): string {
  const ex = env.exercises.get(id);
  if (!ex) return '</section>\n';
  const n = ex.checks.length;
  return (
    // The foreground: typed into the terminal by the page once setup is done.
    (ex.foreground ? `<pre class="exercise-foreground" hidden>${escapeHtml(ex.foreground)}</pre>\n` : '') +
    `<div class="exercise-actions">` +
    `<button type="button" class="btn btn-primary" data-action="check">Check my work</button>` +
    `<span class="check-status" role="status" aria-live="polite">${n} ${n === 1 ? 'check looks' : 'checks look'} at your cluster.</span></div>\n` +
    `<ol class="check-results" aria-label="Check results"></ol>\n</section>\n`
  );
}
