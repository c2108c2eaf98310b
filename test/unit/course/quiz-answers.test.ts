import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { checkQuizAnswer, loadCourse, type QuizQuestion } from '../../../server/course.js';

const single: QuizQuestion = { id: 's', kind: 'single', prompt: 'p', options: ['a', 'b', 'c'], answer: 1, explanation: 'b it is' };
const multiple: QuizQuestion = { id: 'm', kind: 'multiple', prompt: 'p', options: ['a', 'b', 'c'], answer: [0, 2], explanation: 'a and c' };
const order: QuizQuestion = { id: 'o', kind: 'order', prompt: 'p', options: ['first', 'second', 'third'], explanation: 'in order' };
const short: QuizQuestion = { id: 'x', kind: 'short', prompt: 'p', accept: ['kube-apiserver', 'the API server'], explanation: 'only it' };

describe('quiz answers', () => {
  test('single: the index of the right option', () => {
    expect(checkQuizAnswer(single, 1)).toEqual({ correct: true, explanation: 'b it is' });
    expect(checkQuizAnswer(single, 0).correct).toBe(false);
    expect(checkQuizAnswer(single, '1').correct).toBe(false);
  });

  test('multiple: exactly the right set, in any order', () => {
    expect(checkQuizAnswer(multiple, [2, 0]).correct).toBe(true);
    expect(checkQuizAnswer(multiple, [0]).correct).toBe(false);
    expect(checkQuizAnswer(multiple, [0, 1, 2]).correct).toBe(false);
    expect(checkQuizAnswer(multiple, [0, 0, 2]).correct).toBe(false);
    expect(checkQuizAnswer(multiple, 0).correct).toBe(false);
  });

  test('order: original indexes or option texts in the right order', () => {
    expect(checkQuizAnswer(order, [0, 1, 2]).correct).toBe(true);
    expect(checkQuizAnswer(order, ['first', 'second', 'third']).correct).toBe(true);
    expect(checkQuizAnswer(order, [1, 0, 2]).correct).toBe(false);
    expect(checkQuizAnswer(order, [0, 1]).correct).toBe(false);
  });

  test('short: trimmed, case- and space-insensitive, one of the accepted answers', () => {
    expect(checkQuizAnswer(short, '  Kube-APIServer ').correct).toBe(true);
    expect(checkQuizAnswer(short, 'the   api server').correct).toBe(true);
    expect(checkQuizAnswer(short, 'etcd').correct).toBe(false);
    expect(checkQuizAnswer(short, 42).correct).toBe(false);
    expect(checkQuizAnswer(short, 'x'.repeat(5000)).correct).toBe(false);
  });

  test('the explanation comes back whether the answer was right or not', () => {
    expect(checkQuizAnswer(single, 2).explanation).toBe('b it is');
    expect(checkQuizAnswer(short, null)).toEqual({ correct: false, explanation: 'only it' });
  });
});

describe("the course's short answers take what a person types", () => {
  const course = loadCourse(join(import.meta.dirname, '../../../lessons'));
  const question = (lesson: string, id: string) => {
    const q = course.lessons.find((l) => l.id === lesson)?.quiz.find((x) => x.id === id);
    if (!q) throw new Error(`no question ${lesson}/${id}`);
    return q;
  };
  const typed: [string, string, string][] = [
    ['controllers', 'undo-cmd', 'kubectl rollout undo deployment/web -n default'],
    ['controllers', 'undo-cmd', 'kubectl rollout undo deploy web --namespace=default'],
    ['operating-a-cluster', 'pdb-apiversion', 'apiVersion: policy/v1'],
    ['config-and-secrets', 'secretkeyref', 'env.valueFrom.secretKeyRef'],
    ['api-server', 'psa-replaced', 'PodSecurity admission plugin'],
  ];
  for (const [lesson, id, answer] of typed) test(`${lesson}/${id}: “${answer}”`, () => expect(checkQuizAnswer(question(lesson, id), answer).correct).toBe(true));
  test('a wrong answer is still wrong', () => {
    expect(checkQuizAnswer(question('controllers', 'undo-cmd'), 'kubectl rollout undo deployment/web -n team-a').correct).toBe(false);
    expect(checkQuizAnswer(question('config-and-secrets', 'secretkeyref'), 'configMapKeyRef').correct).toBe(false);
  });
});
