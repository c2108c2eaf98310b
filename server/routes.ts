/** Every feature's HTTP routes and WebSocket endpoints, in one list. */
import type { AppContext, RouteModule, SocketRoute } from './app.js';

export const routeModules: RouteModule[] = [];

export function socketRoutes(_ctx: AppContext): SocketRoute[] {
  return [];
}
