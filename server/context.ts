/**
 * What every feature module is given, and the shapes it registers with the HTTP server: a leaf,
 * so features never import the app (server/http/app.ts) that mounts them.
 */
import type { Express } from 'express';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store.js';
import type { LabManager } from './labs.js';
import type { Session, Sessions } from './http/session.js';

export interface AppContext {
  config: Config;
  store: Store;
  log: Logger;
  labs: LabManager;
  sessions: Sessions;
}

/** A feature's HTTP routes, mounted after session and CSRF middleware. */
export type RouteModule = (app: Express, ctx: AppContext) => void;

/** A feature's WebSocket endpoint: runs only after the Origin and session checks passed. */
export interface SocketRoute {
  path: string;
  /** Maximum size of one incoming frame, in bytes. */
  maxPayload: number;
  handle(ws: WebSocket, req: IncomingMessage, session: Session, url: URL): void;
  /** Called when the server stops (e.g. to end the processes behind the sockets). */
  close?(): Promise<void>;
}

/**
 * Work a feature does in the background (reaping, pruning, time-outs): started by the server
 * (server/jobs.ts) once it listens, stopped when it stops; never started by route registration.
 * `run` never overlaps itself; a failure is logged and the next run goes ahead.
 */
export interface Job {
  name: string;
  everyMs: number;
  /** The first run, after start (default: everyMs). */
  firstAfterMs?: number;
  run(): unknown;
}

/**
 * A check every WebSocket upgrade passes after the session check (express middleware does not see
 * upgrades): returns a reason to refuse with 403, or undefined. E.g. the exam lockdown.
 */
export type UpgradeGuard = (session: Session, url: URL) => string | undefined;
const upgradeGuards = new WeakMap<AppContext, UpgradeGuard[]>();

export function addUpgradeGuard(ctx: AppContext, guard: UpgradeGuard): void {
  upgradeGuards.set(ctx, [...(upgradeGuards.get(ctx) ?? []), guard]);
}

/** The guards registered for this server, in the order they were added. */
export function upgradeGuardsOf(ctx: AppContext): readonly UpgradeGuard[] {
  return upgradeGuards.get(ctx) ?? [];
}
