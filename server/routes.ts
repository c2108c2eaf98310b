/** Every feature's HTTP routes and WebSocket endpoints, in one list. */
import type { AppContext, RouteModule, SocketRoute } from './context.js';
import { authRoutes } from './accounts.js';
import { adminRoutes } from './admin.js';
import { progressRoutes } from './teaching/progress.js';
import { quizRoutes } from './teaching/quiz.js';
import { terminalWatchSocket, workshopRoutes, workshopSocket } from './teaching/workshops.js';
import { examRoutes } from './teaching/exams.js';
import { terminalRoute } from './terminal.js';
import { exerciseRoutes, feedbackSocket } from './teaching/exercises.js';
import { coursePageRoutes } from './course/pages.js';
import { clusterMapRoutes, clusterMapSocket } from './cluster-map.js';

// authRoutes first: it sends visitors without a session to sign-in before any other route runs;
// examRoutes next: its lockdown keeps a candidate in a running exam away from lessons, hints and solutions.
export const routeModules: RouteModule[] = [authRoutes, examRoutes, progressRoutes, quizRoutes, workshopRoutes, adminRoutes, coursePageRoutes, exerciseRoutes, clusterMapRoutes];

export function socketRoutes(ctx: AppContext): SocketRoute[] {
  return [workshopSocket(ctx), terminalWatchSocket(ctx), terminalRoute(ctx), feedbackSocket(ctx), clusterMapSocket(ctx)];
}
