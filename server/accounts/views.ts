/** The sign-in page. */
import { html } from '../http/html.js';
import { page } from '../http/layout.js';

export function loginPage(o: { csrf: string; next: string; error?: string; username?: string }): string {
  return page({
    title: 'Sign in',
    body: html`<section class="card narrow">
      <h1>Sign in</h1>
      ${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="_csrf" value="${o.csrf}">
        <input type="hidden" name="next" value="${o.next}">
        <label>Username <input name="username" autocomplete="username" required maxlength="100" value="${o.username ?? ''}" autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
        <button type="submit" class="btn btn-primary">Sign in</button>
      </form>
      <p class="muted">Joining a workshop? Use the link or code your instructor gave you: <a href="/join">join a workshop</a>.</p>
    </section>`,
  });
}
