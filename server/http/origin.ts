/**
 * Origin check for browser requests and WebSocket upgrades: the Origin must equal the Host the
 * request came to (same scheme-less host:port), or be in config.trustedOrigins. A missing Origin is
 * refused on browser-only routes (WebSocket upgrades), as browsers always send one there.
 */
import type { IncomingMessage } from 'node:http';

export function originAllowed(req: IncomingMessage, trusted: readonly string[], { requireOrigin }: { requireOrigin: boolean }): { ok: boolean; reason?: string } {
  const origin = req.headers.origin;
  if (!origin) return requireOrigin ? { ok: false, reason: 'missing Origin header' } : { ok: true };
  if (trusted.includes(origin)) return { ok: true };
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return { ok: false, reason: `malformed Origin ${origin}` };
  }
  const expected = req.headers.host;
  if (expected && host === expected) return { ok: true };
  return { ok: false, reason: `Origin ${origin} does not match host ${expected ?? '(none)'}` };
}
