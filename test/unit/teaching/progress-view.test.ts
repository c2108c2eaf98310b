/** The progress page's words: "checks" are an exercise's assertions; a graded try is an attempt. */
import { describe, expect, it } from 'vitest';
import { progressView, type Progress } from '../../../server/teaching/progress.js';

const progress = (attempts: number[]): Progress => ({
  userId: 1,
  lessons: [
    {
      id: 'one',
      title: 'One',
      read: true,
      exercises: attempts.map((n, i) => ({ id: `ex-${i}`, title: `Exercise ${i}`, status: n ? 'trying' : 'not-started', attempts: n })),
      quiz: { total: 0, answered: 0, correct: 0 },
      complete: false,
    },
  ],
  attempts: attempts.reduce((a, b) => a + b, 0),
  lastLessonId: null,
  continueLessonId: null,
});

describe('the progress page', () => {
  it('counts attempts as attempts, in the summary and per exercise', () => {
    const page = progressView(progress([2, 1, 0]), 'Your progress').value;
    expect(page).toContain('3 attempts');
    expect(page).toContain('tried, not passed yet, 2 attempts');
    expect(page).toContain('tried, not passed yet, 1 attempt<');
    expect(page).not.toMatch(/\bchecks? run\b|\d checks?\b/);
    expect(progressView(progress([1]), 'Your progress').value).toContain('· 1 attempt\n');
  });
});
