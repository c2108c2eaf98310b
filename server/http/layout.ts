/**
 * The one page layout. `shell` is the course's own frame (course index, lesson, and every page of
 * a signed-in visitor): top bar with the brand, the learner's links and the theme toggle; one
 * stylesheet and one script module per page; the CSRF token in a meta tag. `page` wraps a body in
 * that shell, or in a plain variant of it for visitors without a session (sign-in, join).
 * No inline script (the CSP forbids it): the theme is applied before first paint by
 * /assets/theme-init.js, behaviour comes from /assets/<entry>.js, which read the CSRF token from
 * <meta name="csrf-token">; every page also loads `site` (local times, confirmations, a workshop
 * learner's notices).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../sandbox/index.js';
import type { Session } from './session.js';
import { isStaff } from '../accounts/roles.js';
import { escapeHtml, html, Html } from './html.js';

const brandMark = new Html(
  `<svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 1.8 3.2 6.1 1.6 15.6l6.2 7.1h8.4l6.2-7.1-1.6-9.5z" opacity=".16"/><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M12 2.9 4.1 6.8 2.7 15.3l5.6 6.3h7.4l5.6-6.3-1.4-8.5z"/><circle cx="12" cy="12.5" r="2.6" fill="currentColor"/><path stroke="currentColor" stroke-width="1.8" stroke-linecap="round" d="M12 7v3M12 15v3M7.4 10.3l2.5 1.2M14.1 13.5l2.5 1.2M7.4 14.7l2.5-1.2M14.1 11.5l2.5-1.2"/></svg>`,
);

const themeToggle = new Html(
  `<button type="button" class="icon-btn" data-theme-toggle aria-label="Switch theme" title="Switch theme">` +
    `<svg class="theme-icon-light" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M21 14.6A8.5 8.5 0 0 1 9.4 3a8.5 8.5 0 1 0 11.6 11.6z"/></svg>` +
    `<svg class="theme-icon-dark" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="4.2" fill="currentColor"/><path stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M12 2.5v2.2M12 19.3v2.2M2.5 12h2.2M19.3 12h2.2M5.3 5.3l1.5 1.5M17.2 17.2l1.5 1.5M5.3 18.7l1.5-1.5M17.2 6.8l1.5-1.5"/></svg>` +
    `</button>`,
);

/** Below 900 px the learner's links fold behind this button (client/pages/nav-menu.ts opens them). */
const navToggle = new Html(
  `<button type="button" class="icon-btn nav-toggle" aria-expanded="false" aria-controls="topnav" aria-label="Menu" title="Menu">` +
    `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M4 7h16M4 12h16M4 17h16"/></svg>` +
    `</button>`,
);

export interface ShellOptions {
  title: string;
  session: Session;
  accounts: boolean;
  /** The client entry of the page (dist/client/<entry>.js and .css). */
  entry: 'lesson' | 'course';
  /** Further script modules (e.g. the quiz entry). */
  scripts?: string[];
  bodyClass?: string;
  bodyData?: Record<string, string>;
  /** Top bar pieces between the brand and the learner's links. */
  bar?: Html;
  body: Html;
}

/** Stylesheets other features add to every page (loaded after the course's own, when present). */
function extraStylesheets(): string[] {
  return ['kubelab-pages.css'].filter((f) => existsSync(join(packageRoot, 'client', 'public', f))).map((f) => `/assets/${f}`);
}

/**
 * The document around a page: the head (the theme applied before first paint, the entry's
 * stylesheet and script, every other stylesheet and script, the CSRF token once there is a
 * session) and the body.
 */
function documentOf(o: { title: string; csrfToken?: string; entry: string; scripts?: string[]; bodyAttributes: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<title>${escapeHtml(o.title)} · kubelab</title>
${o.csrfToken === undefined ? '' : `<meta name="csrf-token" content="${escapeHtml(o.csrfToken)}">\n`}<script src="/assets/theme-init.js"></script>
<link rel="stylesheet" href="/assets/${escapeHtml(o.entry)}.css">
${extraStylesheets().map((s) => `<link rel="stylesheet" href="${s}">`).join('\n')}
<script type="module" src="/assets/${escapeHtml(o.entry)}.js"></script>
${['site', ...(o.scripts ?? [])].map((s) => `<script type="module" src="/assets/${escapeHtml(s)}.js"></script>`).join('\n')}
</head>
<body${o.bodyAttributes}>
${o.body}
</body>
</html>`;
}

export function shell(o: ShellOptions): string {
  const staff = isStaff(o.session);
  const data = Object.entries(o.bodyData ?? {})
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  const links = html`<nav class="crumbs user-links" aria-label="Your pages">
    <a href="/progress">Progress</a>
    ${o.accounts ? html`<a href="/exams">Exams</a>` : ''}
    ${o.accounts && staff ? html`<a href="/workshops">Workshops</a>` : ''}
    ${o.accounts && o.session.user.role === 'admin' ? html`<a href="/admin/users">Users</a>` : ''}
  </nav>`;
  const signOut = o.accounts
    ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${o.session.csrfToken}"><button type="submit" class="btn btn-quiet">Sign out</button></form>`
    : '';
  const body = `${
    html`<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="/">${brandMark}<span>kubelab</span></a>
  ${o.bar ?? ''}
  <span class="spacer"></span>
  ${navToggle}
  <div class="topnav" id="topnav">${links}</div>
  ${themeToggle}
  ${signOut}
</header>`.value
  }
<div id="notices" class="notices" aria-live="polite"></div>
${o.body.value}
<div id="toast" class="toast" role="status" aria-live="polite" hidden></div>`;
  return documentOf({ title: o.title, csrfToken: o.session.csrfToken, entry: o.entry, scripts: o.scripts, bodyAttributes: ` class="${escapeHtml(o.bodyClass ?? '')}"${data}`, body });
}

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
  const bar = html`<header class="topbar"><a class="brand" href="/">${brandMark}<span>kubelab</span></a></header>`;
  return documentOf({ title: o.title, entry: 'course', scripts: o.scripts, bodyAttributes: ' class="kl-page"', body: `${bar.value}\n${main.value}` });
}

/** An error as a page, for a browser that navigated (the API gets JSON). */
export function errorPage(status: number, message: string, hint?: string, session?: Session, accounts?: boolean): string {
  const title = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : status === 401 ? 'Not signed in' : status === 429 ? 'Slow down' : status === 409 ? 'Not possible now' : 'Something went wrong';
  return page({
    title,
    session,
    accounts,
    body: html`<section class="card narrow error-card"><h1>${title}</h1><p>${message}</p>${hint ? html`<p class="muted">${hint}</p>` : ''}<p><a class="btn" href="/">Back to the course</a></p></section>`,
  });
}
