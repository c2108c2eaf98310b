/** Every feature's HTTP routes and WebSocket endpoints, in one list. */
import type { AppContext, RouteModule, SocketRoute } from './app.js';
import { authRoutes } from './auth.js';
import { progressRoutes } from './progress.js';
import { quizRoutes } from './quiz.js';
import { workshopRoutes, workshopSocket } from './workshops.js';
import { terminalRoute } from './terminal.js';

// authRoutes first: it sends visitors without a session to sign-in before any other route runs.
export const routeModules: RouteModule[] = [authRoutes, progressRoutes, quizRoutes, workshopRoutes];

export function socketRoutes(ctx: AppContext): SocketRoute[] {
  return [workshopSocket(ctx), terminalRoute(ctx)];
}
