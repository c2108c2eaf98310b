/**
 * An exam's quiz questions: a lesson's (looked up in the course, undefined once it left) or the
 * exam's own, which the exam stores itself and no practice quiz shows (a practice question's
 * answer and explanation are shown to anyone who tries it, so an exam of only those leaks its key).
 * Own questions come from the composer as a prompt, options one a line (the right ones starting
 * with *), an explanation and points.
 */
import { quizQuestionSchema, type QuizQuestion } from '../../course/schema.js';
import type { Course } from '../../course.js';
import type { ExamItem } from '../../store/exams.js';
import { HttpError } from '../../errors.js';

/** The lesson id own questions carry: no lesson has it, so no practice quiz can reach them. */
export const ownLessonId = 'exam';
export const maxOwnQuestions = 10;

export function examQuestion(course: Course, item: ExamItem | undefined): QuizQuestion | undefined {
  if (item?.kind !== 'quiz') return undefined;
  return item.own ?? course.lessons.find((l) => l.id === item.lessonId)?.quiz.find((x) => x.id === item.questionId);
}

/** The composer's own questions (fields own:<n>:prompt, :options, :explanation, :points); an empty prompt is no question. */
export function ownQuestionsFromForm(body: Record<string, unknown>): ExamItem[] {
  const out: ExamItem[] = [];
  for (let n = 1; n <= maxOwnQuestions; n++) {
    const field = (name: string) => String(body[`own:${n}:${name}`] ?? '').trim();
    const prompt = field('prompt');
    if (!prompt) continue;
    const lines = field('options').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const right = lines.flatMap((l, i) => (l.startsWith('*') ? [i] : []));
    const options = lines.map((l) => l.replace(/^\*\s*/, ''));
    const points = Number(field('points'));
    if (!(points > 0)) throw new HttpError(400, `Own question ${n} needs points.`);
    if (right.length === 0) throw new HttpError(400, `Own question ${n}: start the right option (or options) with *.`);
    const candidate = {
      id: `own-${n}`,
      prompt,
      explanation: field('explanation') || 'No explanation was given.',
      ...(right.length === 1 ? { kind: 'single', options, answer: right[0] } : { kind: 'multiple', options, answer: right }),
    };
    const parsed = quizQuestionSchema.safeParse(candidate);
    if (!parsed.success) throw new HttpError(400, `Own question ${n}: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}.`);
    out.push({ key: `own:${n}`, kind: 'quiz', lessonId: ownLessonId, questionId: `own-${n}`, points, own: parsed.data });
  }
  return out;
}
