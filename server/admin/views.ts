/** HTML of the users page: every account with its actions, the form that creates one, the running labs. */
import { Html, html, when } from '../http/html.js';
import type { Session } from '../http/session.js';
import type { LabRecord } from '../store/labs.js';
import type { Role, User } from '../store/users.js';

const roles: Role[] = ['learner', 'instructor', 'admin'];

const roleSelect = (name: string, current: string, label: string) =>
  html`<select name="${name}" aria-label="${label}">${roles.map((r) => html`<option value="${r}"${r === current ? new Html(' selected') : ''}>${r}</option>`)}</select>`;

/** How long ago, for people: "3 min", "2 h 5 min", "4 d". */
function age(iso: string, now = Date.now()): string {
  const min = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (min < 60) return `${min} min`;
  if (min < 24 * 60) return `${Math.floor(min / 60)} h ${min % 60} min`;
  return `${Math.floor(min / (24 * 60))} d`;
}

export function usersView(o: {
  users: User[];
  signedIn: Map<number, number>;
  labs: LabRecord[];
  session: Session;
  notice?: { kind: 'ok' | 'error'; text: string };
  typed?: Record<string, string>;
}) {
  const { users, session: s, notice, typed = {} } = o;
  const byId = new Map(users.map((u) => [u.id, u]));
  const csrf = html`<input type="hidden" name="_csrf" value="${s.csrfToken}">`;
  const row = (u: User) => {
    const base = `/admin/users/${u.id}`;
    return html`<tr data-user="${u.username}" class="${u.disabledAt ? 'disabled' : ''}">
      <th scope="row">${u.username}${u.id === s.user.id ? html` <small class="muted">(you)</small>` : ''}<br><small class="muted">${u.displayName}</small></th>
      <td><form method="post" action="${base}/role" class="inline">${csrf}${roleSelect('role', u.role, `Role of ${u.username}`)} <button type="submit" class="btn btn-small">Change</button></form></td>
      <td>${u.disabledAt
        ? html`<span class="state ended">disabled</span> <small class="muted">${when(u.disabledAt)}</small>
            <form method="post" action="${base}/enable" class="inline">${csrf}<button type="submit" class="btn btn-small">Enable</button></form>`
        : html`<span class="state open">active</span>
            <form method="post" action="${base}/disable" class="inline" data-confirm="Disable ${u.username}? They are signed out everywhere and cannot sign in until enabled.">${csrf}<button type="submit" class="btn btn-small btn-danger">Disable</button></form>`}</td>
      <td><form method="post" action="${base}/password" class="inline">${csrf}<input type="password" name="password" autocomplete="new-password" minlength="10" maxlength="1024" required aria-label="New password for ${u.username}" placeholder="new password"> <button type="submit" class="btn btn-small">Set</button></form></td>
      <td class="signed-in">${o.signedIn.get(u.id) ? html`yes <small class="muted">(${o.signedIn.get(u.id)} ${o.signedIn.get(u.id) === 1 ? 'session' : 'sessions'})</small>` : html`<span class="muted">no</span>`}</td>
      <td>${when(u.createdAt)}</td>
    </tr>`;
  };
  return html`<h1>Users</h1>
    ${notice ? html`<p class="${notice.kind === 'error' ? 'error' : 'notice'}" role="${notice.kind === 'error' ? 'alert' : 'status'}" id="admin-notice">${notice.text}</p>` : ''}
    <h2>Accounts</h2>
    <div class="table-scroll"><table class="list users">
      <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Account</th><th scope="col">Password</th><th scope="col">Signed in</th><th scope="col">Created</th></tr></thead>
      <tbody>${users.map(row)}</tbody>
    </table></div>
    <section aria-labelledby="labs-h">
      <h2 id="labs-h">Running labs</h2>
      ${o.labs.length === 0
        ? html`<p class="muted">No lab is running.</p>`
        : html`<div class="table-scroll"><table class="list labs">
        <thead><tr><th scope="col">Lab</th><th scope="col">Owner</th><th scope="col">State</th><th scope="col">Age</th><th scope="col">Last used</th><th scope="col"></th></tr></thead>
        <tbody>${o.labs.map((l) => {
          const owner = l.ownerId === null ? undefined : byId.get(l.ownerId);
          return html`<tr data-lab="${l.name}"><th scope="row"><code>${l.name}</code> <small class="muted">${l.provider}</small></th>
            <td>${l.ownerId === null ? html`<span class="muted">warm, unused</span>` : (owner?.username ?? '(removed)')}</td>
            <td>${l.state}</td><td>${age(l.createdAt)}</td><td>${when(l.lastUsedAt)}</td>
            <td>${l.ownerId === null
              ? ''
              : html`<form method="post" action="/admin/labs/${l.name}/end" class="inline" data-confirm="End ${l.name}? It is deleted with everything in it; ${owner?.username ?? 'its owner'} can start a fresh one.">${csrf}<button type="submit" class="btn btn-small btn-danger">End</button></form>`}</td></tr>`;
        })}</tbody></table></div>`}
    </section>
    <section class="card">
      <h2>New user</h2>
      <form method="post" action="/admin/users" class="stack" id="new-user">${csrf}
        <div class="row">
          <label>Username <input name="username" required maxlength="64" autocomplete="off" value="${typed.username ?? ''}"></label>
          <label>Display name <input name="displayName" maxlength="60" autocomplete="off" value="${typed.displayName ?? ''}"></label>
          <label>Role ${roleSelect('role', typed.role || 'learner', 'Role')}</label>
          <label>Password <input name="password" type="password" required minlength="10" maxlength="1024" autocomplete="new-password"></label>
        </div>
        <button type="submit" class="btn btn-primary">Create user</button>
      </form>
    </section>`;
}
