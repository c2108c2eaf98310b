/**
 * Server-rendered pages of accounts, progress, workshops, quizzes and exams: one layout, and an
 * `html` template tag that escapes every interpolated value unless it is already Html.
 * Pages carry no inline script (strict CSP): behaviour comes from /assets/<entry>.js modules,
 * which read the CSRF token from <meta name="csrf-token">. Every page loads `site` (local times,
 * confirmations, a workshop learner's notices); lesson pages add it with siteScriptTag.
 */
import type { Session } from './http/session.js';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

export interface PageOptions {
  title: string;
  session?: Session;
  body: Html;
  /** Names of client entries (dist/client/<name>.js) to load as modules. */
  scripts?: string[];
  /** Names of client entries whose bundled CSS (dist/client/<name>.css) the page needs. */
  styles?: string[];
  /** Whether accounts mode is on (shows sign-out). */
  accounts?: boolean;
  /** Hide the course navigation (exam in progress). */
  bare?: boolean;
}

/** The stylesheets every page links: the course's own, then the pages' additions. */
export const stylesheets = ['/assets/kubelab-pages.css'];

export function page(o: PageOptions): string {
  const user = o.session?.user;
  const staff = user && (user.role === 'instructor' || user.role === 'admin');
  const nav = o.bare
    ? html``
    : html`<nav class="site-nav" aria-label="Main">
        <a class="brand" href="/">kubelab</a>
        <a href="/">Course</a>
        ${user ? html`<a href="/progress">Progress</a><a href="/exams">Exams</a>` : ''}
        ${staff ? html`<a href="/workshops">Workshops</a>` : ''}
        <span class="spacer"></span>
        ${user ? html`<span class="who">${user.displayName}${user.role !== 'learner' ? html` <small>(${user.role})</small>` : ''}</span>` : ''}
        ${user && o.accounts
          ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${o.session!.csrfToken}"><button type="submit" class="link">Sign out</button></form>`
          : ''}
      </nav>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)} · kubelab</title>
${o.session ? `<meta name="csrf-token" content="${escapeHtml(o.session.csrfToken)}">` : ''}
${[...stylesheets, ...(o.styles ?? []).map((n) => `/assets/${n}.css`)].map((s) => `<link rel="stylesheet" href="${s}">`).join('\n')}
${['site', ...(o.scripts ?? [])].map((s) => `<script type="module" src="/assets/${s}.js"></script>`).join('\n')}
</head>
<body class="kl-page">
${nav.value}
<div id="notices" class="notices" aria-live="polite"></div>
<main class="page-main">
${o.body.value}
</main>
</body>
</html>`;
}

/** The script tag other pages (the lesson page) include for the notices bar and local times. */
export const siteScriptTag = '<script type="module" src="/assets/site.js"></script>';

/** Formats an ISO time for people, in UTC (the server does not know the reader's zone; the client may localise). */
export function when(iso: string | null | undefined): Html {
  if (!iso) return html`—`;
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}
