/**
 * The shell of the course's own pages (course index, lesson): top bar with the brand, the
 * learner's links and the theme toggle; one stylesheet and one script module per page; the CSRF
 * token in a meta tag. No inline script (the CSP forbids it): the theme is applied before first
 * paint by /assets/theme-init.js.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../sandbox/index.js';
import type { Session } from '../http/session.js';
import { isStaff } from '../auth.js';
import { escapeHtml, html, Html } from '../pages.js';

export const brandMark = new Html(
  `<svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 1.8 3.2 6.1 1.6 15.6l6.2 7.1h8.4l6.2-7.1-1.6-9.5z" opacity=".16"/><path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" d="M12 2.9 4.1 6.8 2.7 15.3l5.6 6.3h7.4l5.6-6.3-1.4-8.5z"/><circle cx="12" cy="12.5" r="2.6" fill="currentColor"/><path stroke="currentColor" stroke-width="1.8" stroke-linecap="round" d="M12 7v3M12 15v3M7.4 10.3l2.5 1.2M14.1 13.5l2.5 1.2M7.4 14.7l2.5-1.2M14.1 11.5l2.5-1.2"/></svg>`,
);

const themeToggle = new Html(
  `<button type="button" class="icon-btn" data-theme-toggle aria-label="Switch theme" title="Switch theme">` +
    `<svg class="theme-icon-light" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M21 14.6A8.5 8.5 0 0 1 9.4 3a8.5 8.5 0 1 0 11.6 11.6z"/></svg>` +
    `<svg class="theme-icon-dark" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="4.2" fill="currentColor"/><path stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M12 2.5v2.2M12 19.3v2.2M2.5 12h2.2M19.3 12h2.2M5.3 5.3l1.5 1.5M17.2 17.2l1.5 1.5M5.3 18.7l1.5-1.5M17.2 6.8l1.5-1.5"/></svg>` +
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

export function shell(o: ShellOptions): string {
  const staff = isStaff(o.session);
  const data = Object.entries(o.bodyData ?? {})
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  const links = html`<nav class="crumbs user-links" aria-label="Your pages">
    <a href="/progress">Progress</a>
    ${o.accounts ? html`<a href="/exams">Exams</a>` : ''}
    ${staff ? html`<a href="/workshops">Workshops</a>` : ''}
  </nav>`;
  const signOut = o.accounts
    ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${o.session.csrfToken}"><button type="submit" class="btn btn-quiet">Sign out</button></form>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<title>${escapeHtml(o.title)} · kubelab</title>
<meta name="csrf-token" content="${escapeHtml(o.session.csrfToken)}">
<script src="/assets/theme-init.js"></script>
<link rel="stylesheet" href="/assets/${o.entry}.css">
${extraStylesheets().map((s) => `<link rel="stylesheet" href="${s}">`).join('\n')}
<script type="module" src="/assets/${o.entry}.js"></script>
${['site', ...(o.scripts ?? [])].map((s) => `<script type="module" src="/assets/${escapeHtml(s)}.js"></script>`).join('\n')}
</head>
<body class="${escapeHtml(o.bodyClass ?? '')}"${data}>
${
  html`<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="/">${brandMark}<span>kubelab</span></a>
  ${o.bar ?? ''}
  <span class="spacer"></span>
  ${links}
  ${themeToggle}
  ${signOut}
</header>`.value
}
<div id="notices" class="notices" aria-live="polite"></div>
${o.body.value}
<div id="toast" class="toast" role="status" aria-live="polite" hidden></div>
</body>
</html>`;
}
