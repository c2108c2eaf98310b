/**
 * The Host check against DNS rebinding. In single-user mode the server listens on loopback and
 * signs in whoever reaches it; a web page the local user visits could rename itself to 127.0.0.1
 * (DNS rebinding) and, being same-origin with its own name, read the API and open the terminal
 * socket. Browsers always send the name they think they reached in Host, so a request whose Host
 * is not a loopback name (localhost, *.localhost, 127.0.0.0/8, [::1]) or the host of a configured
 * trusted origin is refused before any session exists. Accounts mode needs no such check: a
 * rebound name has no session cookie of ours.
 */
import type { IncomingMessage } from 'node:http';

/** The host name of a Host header value, lowercased, without port or IPv6 brackets. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(h) ?? /^([^:\s]+)(?::\d+)?$/.exec(h);
  return m?.[1];
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

export function hostAllowed(req: IncomingMessage, trustedOrigins: readonly string[]): { ok: boolean; reason?: string } {
  const name = hostName(req.headers.host);
  if (!name) return { ok: false, reason: 'the request has no valid Host header' };
  if (isLoopbackName(name)) return { ok: true };
  for (const o of trustedOrigins) {
    try {
      if (new URL(o).hostname.replace(/^\[|\]$/g, '').toLowerCase() === name) return { ok: true };
    } catch {
      /* a malformed trusted origin trusts nothing */
    }
  }
  return { ok: false, reason: `this server answers to its loopback address only, not to "${name}" (add the name to trustedOrigins to allow it)` };
}
