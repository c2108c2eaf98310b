/** Checking one quiz answer against its question; the answer comes from a browser, so anything goes in. */
import type { QuizQuestion } from './schema.js';
import { sameShortAnswer } from './quiz/short-answer.js';

export interface QuizVerdict {
  correct: boolean;
  explanation: string;
}

/**
 * single: the chosen option, as its text (what the page sends: options are shown shuffled per
 * learner) or as its index in the lesson file (answers stored before options were shuffled).
 * multiple: the chosen options, any order, same two forms.
 * order: the options as the learner ordered them, as original indexes or as option texts.
 * short: the typed text, compared in the forms a person would type (see quiz/short-answer.ts).
 */
export function checkQuizAnswer(q: QuizQuestion, answer: unknown): QuizVerdict {
  return { correct: isCorrect(q, answer), explanation: q.explanation };
}

/** The index in the lesson file of an option named by text or by index; -1 for anything else. */
export function optionIndex(options: readonly string[], a: unknown): number {
  if (typeof a === 'number') return Number.isInteger(a) && a >= 0 && a < options.length ? a : -1;
  if (typeof a === 'string') return options.indexOf(a);
  return -1;
}

function isCorrect(q: QuizQuestion, answer: unknown): boolean {
  switch (q.kind) {
    case 'single':
      return optionIndex(q.options, answer) === q.answer;
    case 'multiple': {
      if (!Array.isArray(answer)) return false;
      const chosen = answer.map((a) => optionIndex(q.options, a));
      const set = new Set(chosen);
      return !chosen.includes(-1) && set.size === chosen.length && set.size === q.answer.length && q.answer.every((a) => set.has(a));
    }
    case 'order': {
      if (!Array.isArray(answer) || answer.length !== q.options.length) return false;
      return answer.every((a, i) => a === i || (typeof a === 'string' && a === q.options[i]));
    }
    case 'short':
      return typeof answer === 'string' && answer.length <= 1000 && q.accept.some((a) => sameShortAnswer(a, answer));
  }
}

/** A stored answer as option texts (single and multiple), so a page can restore it whatever order it shows. */
export function answerAsTexts(q: QuizQuestion, answer: unknown): unknown {
  if (q.kind !== 'single' && q.kind !== 'multiple') return answer;
  const asText = (a: unknown) => q.options[optionIndex(q.options, a)] ?? a;
  return q.kind === 'multiple' && Array.isArray(answer) ? answer.map(asText) : q.kind === 'single' ? asText(answer) : answer;
}
