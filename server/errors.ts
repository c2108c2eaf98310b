/**
 * Typed errors. Every error a user can cause carries a message that says what went wrong
 * and what to do; the HTTP handler, the WebSocket path and the CLI each render them in one place.
 */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** An error with an HTTP status, thrown by route handlers and rendered by the one error handler. */
export class HttpError extends UserError {
  constructor(readonly status: number, message: string, hint?: string) {
    super(message, hint);
    this.name = 'HttpError';
  }
}

/**
 * The learner's lab failed them (could not be created, stopped answering, is full): a 503 the
 * learner can act on. What went wrong in detail (a provider's message, with paths and commands for
 * the operator) goes to the server log, never to the browser.
 */
export class LabUnavailable extends HttpError {
  constructor(message = 'Your lab is not available right now.', hint = 'Press Reset lab for a fresh one. If that fails too, tell your instructor or the person who runs this server.') {
    super(503, message, hint);
    this.name = 'LabUnavailable';
  }
}

/** Too many requests of one kind from one learner; retryAfterMs says when the next one is welcome. */
export class TooManyRequests extends HttpError {
  constructor(message: string, readonly retryAfterMs: number) {
    super(429, message, `Wait ${Math.ceil(retryAfterMs / 1000)} seconds, then try again.`);
    this.name = 'TooManyRequests';
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
