/** What a quiz question looks like to the browser: never its answer. */
import { describe, expect, it } from 'vitest';
import { questionView, shuffledOptions } from '../../../server/teaching/quiz.js';
import { checkQuizAnswer, type QuizQuestion } from '../../../server/course.js';

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

  it("shows a scenario question's command output verbatim and escaped, after the prompt", () => {
    const q: QuizQuestion = {
      id: 'pending',
      kind: 'single',
      prompt: 'What keeps `web` from running?',
      output: 'NAME   READY   STATUS    RESTARTS   AGE\nweb    0/1     Pending   0          5s\n<script>alert(1)</script>\n',
      explanation: 'e',
      options: ['a', 'b'],
      answer: 0,
    };
    const view = questionView(q, 'seed');
    expect(view.promptHtml).toBe(
      'What keeps <code>web</code> from running?<code class="quiz-output">NAME   READY   STATUS    RESTARTS   AGE\nweb    0/1     Pending   0          5s\n&lt;script&gt;alert(1)&lt;/script&gt;</code>',
    );
    expect(questionView({ ...q, output: undefined }, 'seed').promptHtml).toBe('What keeps <code>web</code> from running?');
  });
});
