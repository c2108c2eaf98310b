/** The course index: every lesson in order, with the learner's progress on each. */
import type { Course } from '../../course.js';
import type { Progress } from '../../teaching/progress.js';
import { lessonUrl } from '../cache.js';
import { renderInline } from '../render.js';
import { html, Html } from '../../http/html.js';

/** `challenge`: challenge mode's notice, when it is on for this learner. */
export function indexView(course: Course, progress: Progress, lessonsDir: string, challenge?: string): Html {
  if (course.lessons.length === 0) {
    return html`<main id="main" class="course-main"><div class="course-head"><h1>No lessons yet</h1>
      <p>No lesson could be loaded from <code>${lessonsDir}</code>. Run <code>kubelab lint</code> to see why.</p></div></main>`;
  }
  const byId = new Map(progress.lessons.map((l) => [l.id, l]));
  const minutes = course.lessons.reduce((s, l) => s + l.minutes, 0);
  const lessonsDone = progress.lessons.filter((l) => l.complete).length;
  const exercises = progress.lessons.flatMap((l) => l.exercises);
  const passed = exercises.filter((e) => e.status === 'passed').length;
  const next = progress.continueLessonId;
  const nextLesson = course.lessons.find((l) => l.id === next);
  const percent = exercises.length ? Math.round((passed / exercises.length) * 100) : 0;
  const started = progress.lessons.some((l) => l.read || l.exercises.some((e) => e.status !== 'not-started'));

  return html`<main id="main" class="course-main">
  <div class="course-head">
    <p class="eyebrow">Interactive course</p>
    <h1>Kubernetes, hands-on</h1>
    <p>${course.lessons.length} lessons, about ${Math.round(minutes / 6) / 10} hours. Each lesson sits beside a terminal into your own cluster, and every exercise is checked against it.</p>
    ${challenge ? html`<p class="challenge-notice" id="challenge-notice" role="note"><strong>Challenge mode</strong> ${challenge}</p>` : ''}
  </div>
  <section class="course-summary" aria-label="Your progress">
    <div class="meter">
      <p class="meter-label">${lessonsDone} of ${course.lessons.length} lessons complete · ${passed} of ${exercises.length} exercises passed</p>
      <div class="meter-bar" role="progressbar" aria-label="Exercises passed" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${percent}"><span style="width:${percent}%"></span></div>
    </div>
    ${nextLesson ? html`<a class="btn btn-primary" href="${lessonUrl(nextLesson.id)}">${started ? 'Continue' : 'Start'}: ${nextLesson.title}</a>` : ''}
  </section>
  <ol class="lesson-list">
    ${course.lessons.map((l, i) => {
      const p = byId.get(l.id);
      const exDone = p?.exercises.filter((e) => e.status === 'passed').length ?? 0;
      const exTotal = l.exercises.length;
      const state = p?.complete ? 'Complete' : l.id === next ? (started ? 'Up next' : 'Start here') : p?.read ? 'Read' : exDone ? 'In progress' : '';
      return html`<li class="lesson-card${p?.complete ? ' complete' : ''}${l.id === next ? ' next' : ''}">
        <a href="${lessonUrl(l.id)}">
          <span class="lesson-num" aria-hidden="true">${p?.complete ? '✓' : String(i + 1).padStart(2, '0')}</span>
          <span class="lesson-title"><span class="sr-only">Lesson ${i + 1}: </span>${l.title}</span>
          <span class="lesson-meta">${l.minutes} min${l.requires.includes('containers') ? html`<br><span class="needs">needs kind or minikube</span>` : ''}${exTotal ? html`<br>${exDone}/${exTotal} exercise${exTotal === 1 ? '' : 's'}` : ''}${state ? html`<br><span class="state">${state}</span>` : ''}</span>
          <span class="lesson-goal">${new Html(renderInline(l.goal, l.id))}</span>
        </a>
      </li>`;
    })}
  </ol>
</main>`;
}
