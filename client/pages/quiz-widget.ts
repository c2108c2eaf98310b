/**
 * A lesson's quiz in a <section class="quiz" data-lesson>: questions from /api/quiz/:lesson (never
 * with answers), each answer checked by the server at once, with its explanation.
 */
import { api, el } from './api.js';

interface Question {
  id: string;
  kind: 'single' | 'multiple' | 'order' | 'short';
  prompt: string;
  /** The prompt's inline Markdown, rendered and escaped by the server. */
  promptHtml?: string;
  options?: string[];
  answered: { answer: unknown; correct: boolean; explanation: string } | null;
}

interface QuizData {
  lessonId: string;
  title: string;
  questions: Question[];
}

export async function mountQuiz(section: HTMLElement): Promise<void> {
  const lessonId = section.dataset.lesson;
  if (!lessonId) return;
  let data: QuizData;
  try {
    data = await api<QuizData>(`/api/quiz/${encodeURIComponent(lessonId)}`);
  } catch (err) {
    section.replaceChildren(el('p', { class: 'error' }, `The quiz could not load: ${(err as Error).message}`));
    return;
  }
  if (data.questions.length === 0) {
    section.replaceChildren();
    section.hidden = true;
    return;
  }
  const score = el('p', { class: 'quiz-score', 'aria-live': 'polite' });
  const updateScore = () => {
    const right = section.querySelectorAll('.question.correct').length;
    score.textContent = `${right} of ${data.questions.length} right`;
  };
  section.replaceChildren(el('h2', {}, 'Check your understanding'), score, el('ol', { class: 'questions' }, ...data.questions.map((q) => questionItem(lessonId, q, updateScore))));
  updateScore();
}

function questionItem(lessonId: string, q: Question, onVerdict: () => void): HTMLElement {
  const name = `q-${q.id}`;
  const li = el('li', { class: 'question', 'data-question': q.id });
  const verdict = el('div', { class: 'verdict', 'aria-live': 'polite' });
  const form = el('form', { class: 'stack' });
  let read: () => unknown;
  const prompt = (tag: 'legend' | 'p' | 'label') => {
    const p = el(tag, { class: 'prompt' });
    // promptHtml comes from the server's markdown renderer (raw HTML off, everything escaped).
    if (q.promptHtml) p.innerHTML = q.promptHtml;
    else p.textContent = q.prompt;
    return p;
  };
  switch (q.kind) {
    case 'single':
    case 'multiple': {
      const type = q.kind === 'single' ? 'radio' : 'checkbox';
      const fieldset = el('fieldset', {}, prompt('legend'));
      // Shown in this learner's order; the answer goes back as option texts.
      q.options!.forEach((o) => fieldset.append(el('label', { class: 'choice' }, el('input', { type, name, value: o }), ' ', o)));
      form.append(fieldset);
      read = () => {
        const chosen = [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
        return q.kind === 'single' ? chosen[0] : chosen;
      };
      break;
    }
    case 'order': {
      const list = el('ol', { class: 'order' });
      const addItem = (text: string) => {
        const up = el('button', { type: 'button', class: 'up', 'aria-label': `Move “${text}” up` }, '↑');
        const down = el('button', { type: 'button', class: 'down', 'aria-label': `Move “${text}” down` }, '↓');
        const item = el('li', { 'data-option': text }, el('span', {}, text), ' ', up, down);
        up.addEventListener('click', () => item.previousElementSibling && list.insertBefore(item, item.previousElementSibling));
        down.addEventListener('click', () => item.nextElementSibling && list.insertBefore(item.nextElementSibling, item));
        list.append(item);
      };
      q.options!.forEach(addItem);
      form.append(prompt('p'), el('p', { class: 'muted small' }, 'Put these in order with the arrows.'), list);
      read = () => [...list.children].map((c) => (c as HTMLElement).dataset.option ?? '');
      break;
    }
    case 'short': {
      const input = el('input', { type: 'text', name, maxlength: '1000', autocomplete: 'off' });
      const label = prompt('label');
      label.append(input);
      form.append(label);
      read = () => input.value;
      break;
    }
  }
  const button = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Check answer');
  form.append(button);
  const show = (v: { correct: boolean; explanation: string }) => {
    li.classList.toggle('correct', v.correct);
    li.classList.toggle('wrong', !v.correct);
    verdict.replaceChildren(el('strong', {}, v.correct ? 'Right. ' : 'Not quite. '), v.explanation);
    onVerdict();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const answer = read();
    if (answer === undefined || answer === '' || (Array.isArray(answer) && answer.length === 0)) {
      verdict.replaceChildren(el('span', { class: 'muted' }, 'Choose or type an answer first.'));
      return;
    }
    button.disabled = true;
    api<{ correct: boolean; explanation: string }>(`/api/quiz/${encodeURIComponent(lessonId)}/${encodeURIComponent(q.id)}`, { body: { answer } })
      .then(show)
      .catch((err: Error) => verdict.replaceChildren(el('span', { class: 'error' }, err.message)))
      .finally(() => (button.disabled = false));
  });
  li.append(form, verdict);
  if (q.answered) {
    restore(form, q, q.answered.answer);
    show(q.answered);
  }
  return li;
}

/** Puts a learner's stored answer back into the form. */
function restore(form: HTMLFormElement, q: Question, answer: unknown): void {
  if (q.kind === 'single' || q.kind === 'multiple') {
    const chosen = new Set(Array.isArray(answer) ? answer : [answer]);
    form.querySelectorAll<HTMLInputElement>('input').forEach((i) => (i.checked = chosen.has(i.value)));
  } else if (q.kind === 'short' && typeof answer === 'string') {
    const input = form.querySelector<HTMLInputElement>('input[type=text]');
    if (input) input.value = answer;
  } else if (q.kind === 'order' && Array.isArray(answer)) {
    const list = form.querySelector('ol.order');
    if (!list) return;
    for (const text of answer) {
      const item = [...list.children].find((c) => (c as HTMLElement).dataset.option === text);
      if (item) list.append(item);
    }
  }
}
