/** Every feature's HTTP routes and WebSocket endpoints, in one list. */
import type { AppContext, RouteModule, SocketRoute } from './app.js';
import { authRoutes } from './auth.js';
import { progressRoutes } from './progress.js';
import { quizRoutes } from './quiz.js';
import { terminalWatchSocket, workshopRoutes, workshopSocket } from './workshops.js';
import { examRoutes } from './exams.js';
import { terminalRoute } from './terminal.js';
import { exerciseRoutes, feedbackSocket } from './exercises.js';
import { coursePageRoutes } from './course-pages.js';

// authRoutes first: it sends visitors without a session to sign-in before any other route runs;
// examRoutes next: its lockdown keeps a candidate in a running exam away from lessons, hints and solutions.
export const routeModules: RouteModule[] = [authRoutes, examRoutes, progressRoutes, quizRoutes, workshopRoutes, coursePageRoutes, exerciseRoutes];

export function socketRoutes(ctx: AppContext): SocketRoute[] {
  return [workshopSocket(ctx), terminalWatchSocket(ctx), terminalRoute(ctx), feedbackSocket(ctx)];
}
