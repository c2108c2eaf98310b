/**
 * The exercise panel placed by `:::exercise <id>`: title, the task (markdown), hints one at a time,
 * the Check button and the list the results appear in (client/ui/exercise.ts fills it).
 */
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../pages.js';
import type { RenderEnv } from './env.js';

const stateLabel = { passed: 'Passed', trying: 'Not passed yet', 'not-started': 'Not checked yet' } as const;
const featureLabel: Record<string, string> = {
  containers: 'a cluster that runs containers',
  'cluster-scope': 'rights over the whole cluster',
  'set-component': 'stopping and starting control-plane components',
};

const anchor = (id: string) => `exercise-${id.replace(/[^a-z0-9-]/gi, '-')}`;

export function exerciseOpen(md: MarkdownIt, id: string, env: RenderEnv): string {
  const ex = env.exercises.get(id);
  if (!ex) {
    return `<section class="exercise missing" role="note"><p><strong>Exercise ${escapeHtml(id)} is not available.</strong> Its files are missing or invalid; <code>kubelab lint</code> says why.</p>\n`;
  }
  const state = env.exerciseState(id);
  const a = anchor(id);
  const hints = ex.hints
    .map((hint, i) => `<details class="reveal hint"><summary><span class="kind">Hint ${i + 1}</span> ${i === 0 ? 'Stuck? Show a hint' : 'Show another hint'}</summary><div class="reveal-body">${md.render(hint, env)}</div></details>`)
    .join('\n');
  const requires = ex.requires.length
    ? `<p class="exercise-requires" data-requires="${escapeHtml(ex.requires.join(' '))}">Needs ${escapeHtml(ex.requires.map((f) => featureLabel[f] ?? f).join(' and '))}.</p>`
    : '';
  return (
    `<section class="exercise${state === 'passed' ? ' passed' : ''}" id="${a}" data-exercise="${escapeHtml(id)}" aria-labelledby="${a}-title">\n` +
    `<header class="exercise-head"><div class="titles"><p class="eyebrow">Exercise</p><h3 id="${a}-title">${md.renderInline(ex.title, env)}</h3></div>` +
    `<span class="exercise-state" data-state="${state}">${stateLabel[state]}</span></header>\n` +
    `<div class="exercise-task">${md.render(ex.task, env)}${requires}</div>\n` +
    hints +
    '\n'
  );
}

export function exerciseClose(id: string, env: RenderEnv): string {
  const ex = env.exercises.get(id);
  if (!ex) return '</section>\n';
  const n = ex.checks.length;
  const needsSetup = !!ex.setup || !!(ex.setupComponents && Object.keys(ex.setupComponents).length);
  return (
    (needsSetup
      ? `<p class="exercise-setup-note">This exercise starts from a prepared cluster: <strong>Prepare my lab</strong> sets it up (it may undo the previous exercise's setup).</p>\n`
      : '') +
    `<div class="exercise-actions">` +
    (needsSetup ? `<button type="button" class="btn" data-action="setup">Prepare my lab</button>` : '') +
    `<button type="button" class="btn btn-primary" data-action="check">Check my work</button>` +
    `<span class="check-status" role="status" aria-live="polite">${n} ${n === 1 ? 'check looks' : 'checks look'} at your cluster.</span></div>\n` +
    `<ol class="check-results" aria-label="Check results"></ol>\n</section>\n`
  );
}
