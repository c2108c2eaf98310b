/** The one HTTP error handler: typed errors become { error, hint } with their status; the rest 500. */
import type { NextFunction, Request, Response } from 'express';
import { HttpError, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { errorPage } from '../page.js';

export function errorHandler(log: Logger) {
  // Express recognises an error handler by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let body: { error: string; hint?: string };
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.message, hint: err.hint };
    } else if (err instanceof UserError || (err instanceof Error && err.name === 'SandboxError')) {
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

function isBodyParserError(err: unknown): err is { status: number; message: string } {
  return typeof err === 'object' && err !== null && 'status' in err && typeof (err as { status: unknown }).status === 'number' && 'type' in err;
}
