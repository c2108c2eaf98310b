// The exam composer: a filter over the course's exercises and questions, and a running total of the
// items given points, the exam's own questions included (the form still posts every field; the
// server keeps those with points). It posts with fetch, so a refusal (no points given, a question
// without a right option) is shown beside the button and nothing typed is lost; without scripts it
// is a plain form post.
import { api, ApiError } from '../pages/api.js';

function start(): void {
  const form = document.getElementById('compose') as HTMLFormElement | null;
  const filter = document.getElementById('compose-filter') as HTMLInputElement | null;
  const total = document.getElementById('compose-total');
  if (!form || !filter || !total) return;
  const fields = [...form.querySelectorAll<HTMLInputElement>('label.points input[type=number]')];
  // The exam's own questions count once they have a question and points.
  const own = [...form.querySelectorAll<HTMLElement>('.own-question')].map((q) => ({ prompt: q.querySelector('textarea')!, points: q.querySelector<HTMLInputElement>('label.own-points input')! }));

  const sum = () => {
    const given = [...fields.map((f) => Number(f.value)), ...own.filter((q) => q.prompt.value.trim()).map((q) => Number(q.points.value))].filter((n) => n > 0);
    const points = Math.round(given.reduce((t, n) => t + n, 0) * 100) / 100;
    total.textContent = `${given.length} ${given.length === 1 ? 'item' : 'items'} · ${points} ${points === 1 ? 'point' : 'points'}`;
  };

  // A lesson's title matches all of it; an item with points always stays in view.
  const apply = () => {
    const q = filter.value.trim().toLowerCase();
    form.querySelectorAll<HTMLFieldSetElement>('fieldset:not([data-own])').forEach((set) => {
      const lessonMatches = !q || (set.querySelector('legend')?.textContent ?? '').toLowerCase().includes(q);
      let shown = 0;
      set.querySelectorAll<HTMLLabelElement>('label.points').forEach((label) => {
        const input = label.querySelector('input');
        // The title or prompt as shown, or the id (in the field's name) instructors may know it by.
        const show = lessonMatches || Number(input?.value) > 0 || `${label.textContent ?? ''} ${input?.name ?? ''}`.toLowerCase().includes(q);
        label.hidden = !show;
        if (show) shown++;
      });
      set.hidden = shown === 0;
    });
  };

  form.addEventListener('input', (e) => {
    if (e.target === filter) apply();
    else sum();
  });
  sum();

  const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
  const refusal = document.createElement('p');
  refusal.className = 'error';
  refusal.setAttribute('role', 'alert');
  refusal.hidden = true;
  submit?.before(refusal);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = Object.fromEntries([...new FormData(form).entries()].filter(([k]) => k !== '_csrf').map(([k, v]) => [k, String(v)]));
    if (submit) submit.disabled = true;
    api<{ id: number }>('/api/exams', { body })
      .then((exam) => window.location.assign(`/exams/${exam.id}/gradebook`))
      .catch((err: unknown) => {
        refusal.textContent = err instanceof ApiError ? [err.message, err.hint].filter(Boolean).join(' ') : `The exam could not be created: ${(err as Error).message}. Nothing you typed is lost; try again.`;
        refusal.hidden = false;
        refusal.scrollIntoView({ block: 'nearest' });
        if (submit) submit.disabled = false;
      });
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
