/**
 * The one HTTP error handler: typed errors become { error, hint } with their status, one status per
 * cause: bad input 400, not signed in 401, not allowed 403, too many 429, a lab that failed 503
 * (sandbox errors and a lab API that does not answer), anything else 500. Only typed errors' own
 * messages reach the browser; a sandbox error's text (paths, commands for the operator) and every
 * stack go to the log alone.
 */
import type { NextFunction, Request, Response } from 'express';
import { HttpError, LabUnavailable, TooManyRequests, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Session } from './session.js';

/** Renders an error as a page, for a browser that navigated (the layout's; handed in so this handler knows nothing of pages). */
export type ErrorPage = (status: number, message: string, hint?: string, session?: Session) => string;

export function errorHandler(log: Logger, errorPage: ErrorPage) {
  // Express recognises an error handler by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let body: { error: string; hint?: string };
    if (err instanceof Error && labFailures.has(err.name)) {
      log.warn('lab failure', { method: req.method, path: req.path, err });
      err = new LabUnavailable();
    }
    if (err instanceof TooManyRequests) res.setHeader('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.message, hint: err.hint };
    } else if (err instanceof UserError) {
      status = 400;
      body = { error: err.message, hint: (err as UserError).hint };
    } else if (isBodyParserError(err)) {
      status = err.status;
      body = { error: `The request body could not be read: ${err.message}`, hint: 'Send valid JSON, within the size limit.' };
    } else {
      log.error('request failed', { method: req.method, path: req.path, err });
      body = { error: 'Something went wrong on the server.', hint: 'Try again; if it keeps happening, the server log says why.' };
    }
    if (res.headersSent) return;
    // A browser that navigated (or posted a form) gets a page; API clients get JSON.
    if (!req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html') {
      return res.status(status).type('html').send(errorPage(status, body.error, body.hint, req.session));
    }
    res.status(status).json(body);
  };
}

/** Errors that mean the learner's lab failed, by name (they come from sandbox/ and the grader's API client). */
const labFailures = new Set(['SandboxError', 'ApiUnreachable', 'ApiTooLarge']);

function isBodyParserError(err: unknown): err is { status: number; message: string } {
  return typeof err === 'object' && err !== null && 'status' in err && typeof (err as { status: unknown }).status === 'number' && 'type' in err;
}
