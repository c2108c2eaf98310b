// Quizzes on lesson pages and on /quiz/:lessonId: every <section class="quiz" data-lesson>.
import { mountQuiz } from '../pages/quiz-widget.js';

function start(): void {
  document.querySelectorAll<HTMLElement>('section.quiz[data-lesson]').forEach((s) => void mountQuiz(s));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
