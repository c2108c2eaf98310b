/** The lesson page: lesson on the left, the learner's terminal on the right. */
import type { Course, Lesson } from '../../course.js';
import { lessonUrl } from '../cache.js';
import { renderInline, renderLesson, type ExerciseState } from '../render.js';
import { html, Html } from '../../http/html.js';

export interface LessonViewInput {
  course: Course;
  lesson: Lesson;
  vars: Record<string, string> | undefined;
  exerciseState: (id: string) => ExerciseState;
  /** Challenge mode's notice, when it is on for this learner: hints and solutions are left out. */
  challenge?: string;
}

/** Pieces of the top bar: where the learner is, the lab's status and the reset button. */
export function lessonBar(course: Course, lesson: Lesson): Html {
  const n = course.lessons.indexOf(lesson) + 1;
  return html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Course</a><span aria-hidden="true">›</span><span class="here" aria-current="page">${String(n).padStart(2, '0')} · ${lesson.title}</span></nav>
  <span class="spacer"></span>
  <div id="lab-status" class="lab-status" aria-label="Lab status"><span class="dot" aria-hidden="true"></span><span class="lab-text">Checking your lab…</span><progress hidden max="1" value="0"></progress></div>
  <button type="button" id="reset-lab" class="btn btn-small">Reset lab</button>`;
}

export function lessonView(o: LessonViewInput): Html {
  const { course, lesson } = o;
  const i = course.lessons.indexOf(lesson);
  const prev = course.lessons[i - 1];
  const next = course.lessons[i + 1];
  const body = new Html(renderLesson(lesson, { vars: o.vars, exerciseState: o.exerciseState, challenge: !!o.challenge }));
  return html`<div class="workspace" id="workspace">
  <main class="lesson-pane" id="lesson" tabindex="-1">
    <article class="lesson" id="main" tabindex="-1">
      <header class="lesson-header">
        <p class="eyebrow">Lesson ${i + 1} of ${course.lessons.length} · ${lesson.minutes} min</p>
        <h1>${lesson.title}</h1>
        <p class="goal">${new Html(renderInline(lesson.goal, lesson.id, o.vars))}</p>
        ${o.challenge ? html`<p class="challenge-notice" id="challenge-notice" role="note"><strong>Challenge mode</strong> ${o.challenge}</p>` : ''}
        ${lesson.requires.includes('containers') ? html`<p class="lesson-requires" data-requires="containers">This lesson needs a cluster that runs containers: a kind or minikube lab. On a kwok lab its terminal blocks and exercises are shown but cannot run.</p>` : ''}
      </header>
      ${body}
      ${lesson.quiz.length ? html`<section class="quiz" data-lesson="${lesson.id}" aria-label="Quiz"><p class="muted">Loading the questions…</p></section>` : ''}
      <nav class="lesson-nav" id="lesson-end" aria-label="Lessons">
        ${prev ? html`<a class="prev" href="${lessonUrl(prev.id)}" rel="prev"><span class="dir">← Previous</span>${prev.title}</a>` : ''}
        ${next ? html`<a class="next" href="${lessonUrl(next.id)}" rel="next"><span class="dir">Next →</span>${next.title}</a>` : html`<a class="next" href="/progress"><span class="dir">Done →</span>Your progress</a>`}
      </nav>
    </article>
  </main>
  <div class="divider" id="divider" role="separator" tabindex="0" aria-orientation="vertical" aria-controls="lesson" aria-label="Resize lesson and terminal" aria-valuenow="50"></div>
  <section class="terminal-pane" id="terminal" aria-label="Terminal">
    <div class="terminal-bar">
      <span class="title" title="F6 moves between the lesson and the terminal">Terminal</span>
      <span class="conn-state" data-kind="connecting" aria-live="polite">Connecting…</span>
      <span class="spacer"></span>
      <button type="button" class="btn btn-quiet btn-small" id="restart-shell" title="End everything running in the shell and start a new one. Your lab and its objects stay.">Restart shell</button>
      <form class="terminal-search" role="search"><label class="sr-only" for="terminal-search">Search the terminal</label><input id="terminal-search" type="search" placeholder="Search" title="Search the scrollback (Ctrl+Shift+F)" autocomplete="off"></form>
    </div>
    <p class="sr-only" id="terminal-help">Tab completes commands in the shell. Press F6 to move between the lesson and the terminal. Ctrl+Shift+C copies, Ctrl+Shift+V pastes.</p>
    <div class="terminal-host" id="terminal-host" aria-describedby="terminal-help"></div>
    <div class="terminal-overlay"></div>
  </section>
</div>
<dialog id="reset-dialog" aria-labelledby="reset-title">
  <form method="dialog">
    <h2 id="reset-title">Reset your lab?</h2>
    <p>This puts your cluster back to the state it started in: everything you created in it is deleted, and contexts you added to your kubeconfig go too. It takes a few seconds. Your terminal and the files in your home folder stay, unless the lab cannot be restored and is replaced by a new one (then the terminal restarts). Your progress and passed exercises are kept.</p>
    <div class="dialog-actions">
      <button type="submit" class="btn" value="cancel" autofocus>Keep my lab</button>
      <button type="submit" class="btn btn-danger" value="reset">Reset lab</button>
    </div>
  </form>
</dialog>`;
}
