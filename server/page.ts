/**
 * The layout of the pages of accounts, progress, workshops, quizzes and exams: the course's own
 * shell (top bar, stylesheet, theme) for signed-in visitors, a plain variant of it for the
 * sign-in and join pages. No inline script (strict CSP): behaviour comes from /assets/<entry>.js,
 * which read the CSRF token from <meta name="csrf-token">; every page also loads `site` (local
 * times, confirmations, a workshop learner's notices).
 */
import type { Session } from './http/session.js';
import { brandMark, shell } from './course-pages/layout.js';
import { escapeHtml, html, type Html } from './pages.js';

export interface PageOptions {
  title: string;
  session?: Session;
  body: Html;
  /** Names of client entries (dist/client/<name>.js) to load as modules. */
  scripts?: string[];
  /** Whether accounts mode is on (shows sign-out and exams). */
  accounts?: boolean;
}

export function page(o: PageOptions): string {
  const main = html`<main id="main" class="page-main">${o.body}</main>`;
  if (o.session) return shell({ title: o.title, session: o.session, accounts: !!o.accounts, entry: 'course', scripts: o.scripts, bodyClass: 'kl-page', body: main });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(o.title)} · kubelab</title>
<script src="/assets/theme-init.js"></script>
<link rel="stylesheet" href="/assets/course.css">
<link rel="stylesheet" href="/assets/kubelab-pages.css">
<script type="module" src="/assets/course.js"></script>
${['site', ...(o.scripts ?? [])].map((s) => `<script type="module" src="/assets/${escapeHtml(s)}.js"></script>`).join('\n')}
</head>
<body class="kl-page">
${html`<header class="topbar"><a class="brand" href="/">${brandMark}<span>kubelab</span></a></header>`.value}
${main.value}
</body>
</html>`;
}

/** An error as a page, for a browser that navigated (the API gets JSON). */
export function errorPage(status: number, message: string, hint?: string, session?: Session, accounts?: boolean): string {
  const title = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : status === 401 ? 'Not signed in' : status === 429 ? 'Slow down' : 'Something went wrong';
  return page({
    title,
    session,
    accounts,
    body: html`<section class="card narrow error-card"><h1>${title}</h1><p>${message}</p>${hint ? html`<p class="muted">${hint}</p>` : ''}<p><a class="btn" href="/">Back to the course</a></p></section>`,
  });
}
