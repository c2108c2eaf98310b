/**
 * A browser-like HTTP client for tests: keeps cookies, sends the server's Origin, and carries the
 * session's CSRF token on writes (unless a test says otherwise).
 */
import { WebSocket } from 'ws';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export class HttpSession {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, opts: { body?: unknown; form?: Record<string, string | string[]>; csrf?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { origin: this.base, accept: 'application/json', ...opts.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    let body: string | undefined;
    if (opts.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      if (token && !('_csrf' in opts.form)) p.append('_csrf', token);
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.accept = 'text/html';
      body = p.toString();
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (method !== 'GET' && token && !opts.form) headers['x-csrf-token'] = token;
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    this.remember(res);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string, opts: { headers?: Record<string, string> } = {}) {
    return this.request('GET', path, opts);
  }

  post(path: string, body: unknown = {}, opts: { csrf?: string | null } = {}) {
    return this.request('POST', path, { body, ...opts });
  }

  /** Fetches the pre-session CSRF token (and cookie) a sign-in or join needs. */
  async preSession(): Promise<void> {
    const r = await this.get('/api/session');
    this.csrf = r.json.csrfToken;
  }

  async signIn(username: string, password: string): Promise<Reply> {
    await this.preSession();
    const r = await this.post('/api/login', { username, password });
    if (r.status === 200) this.csrf = r.json.csrfToken;
    return r;
  }

  async join(code: string, displayName: string): Promise<Reply> {
    await this.preSession();
    const r = await this.post(`/api/join/${code}`, { displayName });
    if (r.status === 201) this.csrf = r.json.csrfToken;
    return r;
  }

  socket(path: string): WebSocket {
    return new WebSocket(this.base.replace(/^http/, 'ws') + path, { headers: { origin: this.base, cookie: this.cookieHeader } });
  }
}

/** Resolves with the close code and reason, or 'open' if the socket opened and stayed open for `ms`. */
export function socketOutcome(ws: WebSocket, ms = 1500): Promise<{ opened: boolean; code?: number; reason?: string; status?: number; first?: string }> {
  return new Promise((resolve) => {
    let opened = false;
    let first: string | undefined;
    const t = setTimeout(() => {
      resolve({ opened, first });
      ws.terminate();
    }, ms);
    ws.on('open', () => (opened = true));
    ws.on('message', (d) => (first ??= d.toString()));
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(t);
      resolve({ opened: false, status: res.statusCode });
    });
    ws.on('close', (code, reason) => {
      clearTimeout(t);
      resolve({ opened, code, reason: reason.toString(), first });
    });
    ws.on('error', () => undefined);
  });
}
