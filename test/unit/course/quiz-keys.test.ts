/**
 * The course's answer keys do not leak through position: options of every kind are shown shuffled
 * per learner, so a learner who always picks the same shown option scores what chance gives.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCourse } from '../../../server/course.js';
import { checkQuizAnswer } from '../../../server/course.js';
import { questionView } from '../../../server/teaching/quiz.js';

const course = loadCourse(join(import.meta.dirname, '../../../lessons'));
const choice = course.lessons.flatMap((l) => l.quiz.filter((q) => q.kind === 'single').map((q) => ({ lesson: l.id, q })));
const learners = 300;

describe('quiz keys and position', () => {
  it('the course has single-choice questions to judge', () => {
    expect(choice.length).toBeGreaterThan(30);
  });

  // Chance for one question is 1/options; over the course it is the mean of those.
  const chance = choice.reduce((sum, { q }) => sum + 1 / (q.kind === 'single' ? q.options.length : 1), 0) / choice.length;

  for (const position of [0, 1, 2]) {
    it(`always answering shown option ${position + 1} scores no better than chance (mean over ${learners} learners)`, () => {
      let right = 0;
      let asked = 0;
      for (let learner = 1; learner <= learners; learner++) {
        for (const { lesson, q } of choice) {
          const view = questionView(q, `${learner}/${lesson}`, lesson);
          const shown = view.options![Math.min(position, view.options!.length - 1)]!;
          asked++;
          if (checkQuizAnswer(q, shown).correct) right++;
        }
      }
      // 300 learners × 40+ questions: the mean's standard error is about 0.004, so 0.03 is far outside noise.
      expect(Math.abs(right / asked - chance)).toBeLessThan(0.03);
    });
  }

  it('multiple-choice: the shown order differs between learners and is not the file order for most', () => {
    const multi = course.lessons.flatMap((l) => l.quiz.filter((q) => q.kind === 'multiple').map((q) => ({ lesson: l.id, q })));
    expect(multi.length).toBeGreaterThan(0);
    let sameAsFile = 0;
    let total = 0;
    for (let learner = 1; learner <= 50; learner++) {
      for (const { lesson, q } of multi) {
        if (q.kind !== 'multiple') continue;
        total++;
        if (questionView(q, `${learner}/${lesson}`, lesson).options!.every((o, i) => o === q.options[i])) sameAsFile++;
      }
    }
    expect(sameAsFile / total).toBeLessThan(0.3);
  });
});
