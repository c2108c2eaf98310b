/** HTML of the exam pages: the list, the candidate's page (before, during, after), the gradebook, one sitting. */
import MarkdownIt from 'markdown-it';
import type { Course } from '../../course.js';
import type { ExamRecord, ItemResult, SittingRecord } from '../../store/exams.js';
import { Html, html, when } from '../../http/html.js';
import type { QuestionView } from '../quiz.js';
import type { ExerciseItemDetail, QuizItemDetail } from './grade.js';

export type ExamTask =
  | { key: string; kind: 'exercise'; points: number; title: string; task: string }
  | { key: string; kind: 'quiz'; points: number; title: string; question?: QuestionView };

// Task statements are markdown written by course authors; raw HTML stays off.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
const markdown = (s: string) => new Html(md.render(s));

const pts = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(Math.round(n * 100) / 100));

export function examsView(list: { exam: ExamRecord; sitting?: SittingRecord }[], staff: boolean, course: Course, csrf: string) {
  return html`<h1>Exams</h1>
    ${list.length === 0 ? html`<p class="muted">${staff ? 'No exams yet. Compose one below.' : 'No exam is open for you right now.'}</p>` : ''}
    ${list.length
      ? html`<table class="list"><thead><tr><th scope="col">Exam</th><th scope="col">Time limit</th><th scope="col">State</th><th scope="col">${staff ? 'Gradebook' : 'You'}</th></tr></thead><tbody>
        ${list.map(
          ({ exam, sitting }) => html`<tr><th scope="row"><a href="/exams/${exam.id}">${exam.title}</a></th><td>${exam.timeLimitMinutes} min</td>
            <td><span class="state ${exam.state}">${exam.state}</span>${exam.resultsReleased ? html` · results released` : ''}</td>
            <td>${staff ? html`<a href="/exams/${exam.id}/gradebook">gradebook</a>` : sitting ? sitting.state : 'not started'}</td></tr>`,
        )}</tbody></table>`
      : ''}
    ${staff ? composeForm(course, csrf) : ''}`;
}

function composeForm(course: Course, csrf: string) {
  return html`<section class="card">
    <h2>New exam</h2>
    <form method="post" action="/exams" class="stack" id="compose">
      <input type="hidden" name="_csrf" value="${csrf}">
      <div class="row">
        <label>Title <input name="title" required maxlength="120" placeholder="Kubernetes basics — final"></label>
        <label>Time limit (minutes) <input name="timeLimitMinutes" type="number" min="1" max="1440" value="45" required></label>
      </div>
      <p class="muted">Give points to what the exam holds; leave the rest empty. Exercises earn partial credit per check.</p>
      <div class="compose-bar">
        <label>Filter <input type="search" id="compose-filter" placeholder="a lesson, exercise or question, or an id" autocomplete="off"></label>
        <span id="compose-total" aria-live="polite">0 items · 0 points</span>
      </div>
      ${course.lessons.map(
        (l) => html`<fieldset><legend>${l.title}</legend>
          ${l.exercises.map((e) => html`<label class="points">Exercise: ${e.title} <input name="item:ex:${e.id}" type="number" min="0" max="1000" step="any" placeholder="0"></label>`)}
          ${l.quiz.map((q) => html`<label class="points">Question: ${q.prompt} <input name="item:q:${l.id}/${q.id}" type="number" min="0" max="1000" step="any" placeholder="0"></label>`)}
        </fieldset>`,
      )}
      ${ownQuestionsFieldset()}
      <button type="submit" class="btn btn-primary">Create exam (as a draft)</button>
    </form>
  </section>`;
}

/** Questions the exam holds itself: never in a practice quiz, so their answers are not out there. */
const ownOptionsExample = 'kube-scheduler\n* etcd\nkubelet';

function ownQuestionsFieldset() {
  const blank = [1, 2, 3];
  return html`<fieldset class="own-questions" data-own>
    <legend>Questions of this exam's own</legend>
    <p class="muted">A course question shows its answer and explanation to anyone who tries it in a lesson's quiz; these are seen only in this exam, by its candidates and by you. Write the options one a line and start the right one (or several) with <code>*</code>.</p>
    ${blank.map(
      (n) => html`<div class="own-question" data-own="${n}">
        <label>Question ${n} <textarea name="own:${n}:prompt" rows="2" maxlength="1000" placeholder="Which component stores the cluster's state?"></textarea></label>
        <label>Options, one a line <textarea name="own:${n}:options" rows="4" maxlength="4000" placeholder="${ownOptionsExample}"></textarea></label>
        <label>Explanation (shown with the results) <input name="own:${n}:explanation" maxlength="1000"></label>
        <label class="own-points">Points <input name="own:${n}:points" type="number" min="0" max="1000" step="any" placeholder="0"></label>
      </div>`,
    )}
  </fieldset>`;
}

function questionInput(t: Extract<ExamTask, { kind: 'quiz' }>, saved: unknown, disabled: boolean) {
  const q = t.question;
  if (!q) return html`<p class="muted">This question is no longer in the course.</p>`;
  const name = `answer-${t.key}`;
  const dis = disabled ? new Html(' disabled') : '';
  switch (q.kind) {
    case 'single':
      // Options are shown shuffled per candidate and sent back as their text.
      return html`${q.options!.map((o) => html`<label class="choice"><input type="radio" name="${name}" value="${o}"${saved === o ? new Html(' checked') : ''}${dis}> ${o}</label>`)}`;
    case 'multiple': {
      const chosen = Array.isArray(saved) ? saved : [];
      return html`${q.options!.map((o) => html`<label class="choice"><input type="checkbox" name="${name}" value="${o}"${chosen.includes(o) ? new Html(' checked') : ''}${dis}> ${o}</label>`)}`;
    }
    case 'order': {
      const order = Array.isArray(saved) && saved.length === q.options!.length ? (saved as string[]) : q.options!;
      return html`<ol class="order" data-name="${name}">${order.map((o) => html`<li data-option="${o}"><span>${o}</span> <button type="button" class="up" aria-label="Move up"${dis}>↑</button><button type="button" class="down" aria-label="Move down"${dis}>↓</button></li>`)}</ol>`;
    }
    case 'short':
      return html`<input type="text" name="${name}" maxlength="1000" value="${typeof saved === 'string' ? saved : ''}"${dis}>`;
  }
}

/** A question's explanation tells its answer: candidates see none while the exam is open (others may yet sit it). */
export function explanationsWithheld(exam: ExamRecord): boolean {
  return exam.state !== 'closed' && exam.items.some((i) => i.kind === 'quiz');
}

export function candidateView(o: {
  exam: ExamRecord;
  sitting?: SittingRecord;
  tasks: ExamTask[];
  answers: Map<string, unknown>;
  results?: ItemResult[];
  csrf: string;
  staff: boolean;
}) {
  const { exam, sitting } = o;
  const total = exam.items.reduce((t, i) => t + i.points, 0);
  const head = html`<h1>${exam.title}</h1>
    <p class="meta">${exam.timeLimitMinutes} ${exam.timeLimitMinutes === 1 ? 'minute' : 'minutes'} · ${exam.items.length} ${exam.items.length === 1 ? 'item' : 'items'} · ${pts(total)} ${total === 1 ? 'point' : 'points'}</p>`;
  if (!sitting) {
    return html`${head}
      ${o.staff
        ? html`<p class="notice">Preview: candidates see the tasks below, with a terminal into a fresh lab, and nothing else of the course. <a href="/exams/${exam.id}/gradebook">Gradebook</a></p>${taskList(o.tasks, new Map(), true)}`
        : exam.state === 'open'
          ? html`<section class="card"><p>When you start, you get a fresh lab. The clock (${exam.timeLimitMinutes} minutes) starts once the lab is ready.
              Until you submit, the rest of the course (lessons, hints, solutions, and checking your work) is closed to you; your work is graded by the server when you submit or the time runs out.</p>
              <form method="post" action="/exams/${exam.id}/start"><input type="hidden" name="_csrf" value="${o.csrf}"><button type="submit" class="btn btn-primary">Start the exam</button></form></section>`
          : html`<p class="muted">This exam is not open.</p>`}`;
  }
  if (sitting.state === 'in-progress') {
    return html`<div class="exam" id="exam" data-exam="${exam.id}" data-deadline="${sitting.deadline}" data-limit-minutes="${exam.timeLimitMinutes}">
      <header class="exam-bar">
        <strong>${exam.title}</strong>
        <span>Time left: <span id="exam-timer" class="timer" aria-live="off">—</span></span>
        <span>Lab: <span id="exam-lab">starting…</span></span>
        <span id="exam-saved" class="muted" aria-live="polite"></span>
        <form method="post" action="/exams/${exam.id}/submit" id="exam-submit" data-confirm="Submit the exam now? Your lab is graded as it is and you cannot change anything afterwards.">
          <input type="hidden" name="_csrf" value="${o.csrf}"><button type="submit" class="btn btn-primary">Submit</button></form>
      </header>
      <div class="exam-body">
        <section class="exam-tasks" aria-label="Tasks">${taskList(o.tasks, o.answers, false)}</section>
        <section class="exam-terminal terminal-pane" id="terminal" aria-label="Terminal">
          <div class="terminal-bar"><span class="title">Terminal</span><span class="conn-state" data-kind="connecting" aria-live="polite">Connecting…</span></div>
          <div id="terminal-host" class="terminal-host" data-terminal></div>
          <div class="terminal-overlay" hidden></div>
        </section>
      </div>
    </div>`;
  }
  // Until the results are out, the page waits for them itself (exam.ts polls and reloads).
  const waiting = (text: Html | string) => html`${head}<p class="notice" id="exam-waiting" data-exam="${exam.id}" data-state="${sitting.state}" role="status">${text} <span class="muted">This page updates by itself.</span></p>`;
  if (sitting.state === 'grading') return waiting('Your exam is being graded.');
  if (!o.results) {
    return waiting(html`You submitted this exam${sitting.endedBy === 'timeout' ? ' (the time ran out)' : ''} ${when(sitting.endedAt)}. Your instructor has not released the results yet.`);
  }
  // The explanations were left out while the exam is open (server/teaching/exams.ts candidateResults): say so.
  return html`${head}${resultsView(exam, sitting, o.results, o.tasks)}${explanationsWithheld(exam) ? html`<p class="muted" id="explanations-withheld">The questions' explanations appear here once the exam is closed: others may still be sitting it.</p>` : ''}`;
}

function taskList(tasks: ExamTask[], answers: Map<string, unknown>, preview: boolean) {
  return html`<ol class="tasks">${tasks.map(
    (t) => html`<li class="task" data-item="${t.key}">
      <h2>${t.kind === 'exercise' ? t.title : 'Question'} <small class="points">${pts(t.points)} pt</small></h2>
      ${t.kind === 'exercise'
        ? html`<div class="task-text">${markdown(t.task)}</div>`
        : html`<div class="question" data-item-key="${t.key}" data-kind="${t.question?.kind ?? ''}"><p>${t.question ? new Html(t.question.promptHtml) : t.title}</p>${questionInput(t, answers.get(t.key), preview)}</div>`}
    </li>`,
  )}</ol>`;
}

/** A quiz answer as the candidate gave it: choices by their text, an order as a sequence. */
function answerText(answer: unknown, kind?: string): string {
  if (Array.isArray(answer)) return answer.length === 0 ? '(nothing chosen)' : answer.map(String).join(kind === 'order' ? ' → ' : ', ');
  return typeof answer === 'string' ? answer || '(empty)' : JSON.stringify(answer);
}

export function resultsView(exam: ExamRecord, sitting: SittingRecord, results: ItemResult[], tasks: ExamTask[]) {
  const byKey = new Map(results.map((r) => [r.itemKey, r]));
  return html`<p class="score">Score: <strong>${pts(sitting.score)}</strong> of ${pts(sitting.maxScore)}</p>
    <ol class="tasks results">${exam.items.map((item) => {
      const r = byKey.get(item.key);
      const t = tasks.find((x) => x.key === item.key);
      const d = r?.detail as ExerciseItemDetail | QuizItemDetail | undefined;
      return html`<li class="task ${r && r.points >= r.maxPoints ? 'full' : r && r.points > 0 ? 'partial' : 'none'}" data-item="${item.key}">
        <h2>${t?.kind === 'exercise' ? t.title : (t?.title ?? item.key)} <small class="points">${pts(r?.points)} / ${pts(item.points)} pt</small></h2>
        ${d?.kind === 'exercise'
          ? html`${d.error ? html`<p class="error">${d.error}</p>` : ''}<ul class="checks">${d.checks.map(
              (c) => html`<li class="${c.passed ? 'pass' : 'fail'}"><span class="mark" aria-label="${c.passed ? 'passed' : 'failed'}">${c.passed ? '✓' : '✗'}</span> ${c.title}${c.passed ? '' : html` — <span class="message">${c.message}</span>`}</li>`,
            )}</ul>`
          : d?.kind === 'quiz'
            ? html`${d.answered ? html`<p class="answer">Answered: <strong>${answerText(d.answer, t?.kind === 'quiz' ? t.question?.kind : undefined)}</strong></p>` : ''}
              <p>${d.answered ? (d.correct ? 'Right.' : 'Not right.') : 'Not answered.'} <span class="muted">${d.explanation}</span></p>`
            : ''}
      </li>`;
    })}</ol>`;
}

export interface GradebookRow {
  sittingId: number;
  displayName: string;
  username: string;
  state: string;
  startedAt: string;
  endedAt: string | null;
  endedBy: string | null;
  score: number | null;
  maxScore: number;
  items: Record<string, number | null>;
}

export function gradebookView(exam: ExamRecord, rows: GradebookRow[], titles: Map<string, string>, csrf: string) {
  const action = (name: string, label: string, cls = '') =>
    html`<form method="post" action="/exams/${exam.id}/${name}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="btn ${cls}">${label}</button></form>`;
  return html`<p class="crumbs"><a href="/exams">← Exams</a></p>
    <h1>Gradebook: ${exam.title}</h1>
    <p class="meta"><span class="state ${exam.state}">${exam.state}</span> · ${exam.timeLimitMinutes} min · results ${exam.resultsReleased ? 'released' : 'not released'}</p>
    <section class="toolbar">
      ${exam.state !== 'open' ? action('open', 'Open for candidates', 'btn-primary') : action('close', 'Close (no new candidates)')}
      ${exam.resultsReleased ? action('withhold', 'Withhold results') : action('release', 'Release results to candidates')}
      <a class="btn" href="/api/exams/${exam.id}/results.csv" download>Export CSV</a>
      <a class="btn" href="/exams/${exam.id}">Preview</a>
    </section>
    ${rows.length === 0
      ? html`<p class="muted">No candidate has started yet.</p>`
      : html`<div class="table-scroll"><table class="gradebook">
      <thead><tr><th scope="col">Candidate</th><th scope="col">State</th>${exam.items.map((i) => html`<th scope="col" class="item" data-item="${i.key}">${titles.get(i.key) ?? i.key}<br><small>${pts(i.points)} pt</small></th>`)}<th scope="col">Score</th></tr></thead>
      <tbody>${rows.map(
        (r) => html`<tr data-sitting="${r.sittingId}"><th scope="row"><a href="/exams/${exam.id}/sittings/${r.sittingId}">${r.displayName}</a> <small class="muted">${r.username}</small></th>
          <td>${r.state}${r.endedBy === 'timeout' ? ' (time-out)' : ''}</td>
          ${exam.items.map((i) => html`<td class="num">${pts(r.items[i.key])}</td>`)}
          <td class="num"><strong>${pts(r.score)}</strong> / ${pts(r.maxScore)}</td></tr>`,
      )}</tbody></table></div>`}`;
}

export function sittingDetailView(exam: ExamRecord, sitting: SittingRecord, name: string, results: ItemResult[], tasks: ExamTask[]) {
  return html`<p class="crumbs"><a href="/exams/${exam.id}/gradebook">← Gradebook</a></p>
    <h1>${name}: ${exam.title}</h1>
    <p class="meta">Started ${when(sitting.startedAt)} · ended ${when(sitting.endedAt)}${sitting.endedBy ? ` by ${sitting.endedBy}` : ''} · ${sitting.state}</p>
    ${sitting.state === 'graded' ? resultsView(exam, sitting, results, tasks) : html`<p class="muted">Not graded yet.</p>`}
    ${sitting.observed ? html`<details><summary>What the grader observed in the lab</summary><pre class="observed">${JSON.stringify(sitting.observed, null, 2)}</pre></details>` : ''}`;
}
