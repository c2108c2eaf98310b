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

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
