/** Every feature's HTTP routes and WebSocket endpoints, in one list. */
import type { AppContext, RouteModule, SocketRoute } from './app.js';
import { authRoutes } from './auth.js';

// authRoutes first: it sends visitors without a session to sign-in before any other route runs.
export const routeModules: RouteModule[] = [authRoutes];

export function socketRoutes(_ctx: AppContext): SocketRoute[] {
  return [];
}
