/** What a quiz question looks like to the browser: never its answer. */
import { describe, expect, it } from 'vitest';
import { questionView, shuffledOptions } from '../../server/quiz.js';
import { checkQuizAnswer, type QuizQuestion } from '../../server/course.js';

const order: QuizQuestion = { id: 'steps', kind: 'order', prompt: 'Order them', explanation: 'e', options: ['one', 'two', 'three', 'four'] };

describe('quiz questions as the browser sees them', () => {
  it('an order question is shuffled per learner, deterministically, and never in the right order', () => {
    for (let learner = 0; learner < 200; learner++) {
      const shown = shuffledOptions(order.options, `${learner}/lesson/steps`);
      expect(shown).not.toEqual(order.options);
      expect([...shown].sort()).toEqual([...order.options].sort());
      expect(shuffledOptions(order.options, `${learner}/lesson/steps`)).toEqual(shown);
    }
    const two = shuffledOptions(['a', 'b'], 'x');
    expect(two).toEqual(['b', 'a']);
  });

  it('carries no answer, no accepted text and no explanation', () => {
    const single: QuizQuestion = { id: 's', kind: 'single', prompt: 'p', explanation: 'secret why', options: ['a', 'b'], answer: 1 };
    const short: QuizQuestion = { id: 't', kind: 'short', prompt: 'p', explanation: 'secret why', accept: ['kube-apiserver'] };
    for (const q of [single, short, order]) {
      const json = JSON.stringify(questionView(q, 'seed'));
      expect(json).not.toMatch(/answer|accept|secret why|kube-apiserver/);
    }
  });

  it('the right order, sent back as option texts, is accepted', () => {
    expect(checkQuizAnswer(order, ['one', 'two', 'three', 'four']).correct).toBe(true);
    expect(checkQuizAnswer(order, shuffledOptions(order.options, 'any')).correct).toBe(false);
  });
});
