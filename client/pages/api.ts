/** Small helpers every page script shares (the lesson page, accounts, workshops, quizzes, exams): the one JSON API helper among them. */

/** The session's CSRF token, from <meta name="csrf-token"> (pages put it there; no inline script). */
export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly hint?: string) {
    super(message);
  }
}

/** fetch for our JSON API: same-origin cookie, CSRF header on writes, { error, hint } turned into an ApiError. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' ? { 'x-csrf-token': csrfToken() } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const e = (data ?? {}) as { error?: string; hint?: string };
    throw new ApiError(res.status, e.error ?? `The server answered ${res.status}.`, e.hint);
  }
  return data as T;
}

/** Creates an element with attributes and children; text always goes in as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

/** Forms with data-confirm ask before they submit. */
export function confirmForms(root: ParentNode = document): void {
  root.querySelectorAll<HTMLFormElement>('form[data-confirm]').forEach((f) => {
    f.addEventListener('submit', (ev) => {
      if (!window.confirm(f.dataset.confirm ?? 'Are you sure?')) ev.preventDefault();
    });
  });
}

/** "12:34" or "1:02:03" for a number of seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/** Shows <time datetime> elements in the reader's own time zone. */
export function localTimes(root: ParentNode = document): void {
  root.querySelectorAll<HTMLTimeElement>('time[datetime]').forEach((t) => {
    const d = new Date(t.dateTime);
    if (!Number.isNaN(d.getTime())) {
      t.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
      t.title = d.toISOString();
    }
  });
}

/** Links the stylesheet an entry's bundle brought (e.g. xterm's), which the page layout does not list. */
export function useStylesheet(entry: string): void {
  const href = `/assets/${entry}.css`;
  if (document.querySelector(`link[href="${href}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.append(link);
}
