import type { Request } from 'express';

/** True if the request wants an HTML page rather than JSON (a browser navigation or form post). */
export function wantsHtml(req: Request): boolean {
  if (req.path.startsWith('/api/')) return false;
  if (req.is('application/x-www-form-urlencoded')) return true;
  return req.accepts(['json', 'html']) === 'html';
}
