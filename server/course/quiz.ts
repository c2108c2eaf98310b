/** Checking one quiz answer against its question; the answer comes from a browser, so anything goes in. */
import type { QuizQuestion } from './schema.js';

export interface QuizVerdict {
  correct: boolean;
  explanation: string;
}

const normalise = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * single: the chosen option's index. multiple: the chosen indexes, any order.
 * order: the options as the learner ordered them, as original indexes or as option texts.
 * short: the typed text, compared trimmed, case- and whitespace-insensitively with `accept`.
 */
export function checkQuizAnswer(q: QuizQuestion, answer: unknown): QuizVerdict {
  return { correct: isCorrect(q, answer), explanation: q.explanation };
}

function isCorrect(q: QuizQuestion, answer: unknown): boolean {
  switch (q.kind) {
    case 'single':
      return typeof answer === 'number' && answer === q.answer;
    case 'multiple': {
      if (!Array.isArray(answer) || !answer.every((a) => typeof a === 'number')) return false;
      const chosen = new Set(answer as number[]);
      return chosen.size === answer.length && chosen.size === q.answer.length && q.answer.every((a) => chosen.has(a));
    }
    case 'order': {
      if (!Array.isArray(answer) || answer.length !== q.options.length) return false;
      return answer.every((a, i) => a === i || (typeof a === 'string' && a === q.options[i]));
    }
    case 'short':
      return typeof answer === 'string' && answer.length <= 1000 && q.accept.some((a) => normalise(a) === normalise(answer));
  }
}
