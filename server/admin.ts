/**
 * User administration in the browser (accounts mode, admins only): list accounts (and who is
 * signed in), create one, change its role, disable or enable it, set a new password; see the labs
 * that run, with owner and age, and end one. Every action is checked here on the server (role,
 * input, the last admin) and logged with who did it. Disabling an account signs it out everywhere
 * and ends its shell; its history (progress, attempts, exams) stays.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { RouteModule } from './context.js';
import { HttpError } from './errors.js';
import { requireAdmin } from './accounts/roles.js';
import { hashPassword, passwordProblem, usernamePattern } from './accounts/passwords.js';
import { wantsHtml } from './http/negotiation.js';
import { page } from './http/layout.js';
import { terminalsFor } from './terminal.js';
import type { Role, User } from './store/users.js';
import { usersView } from './admin/views.js';

const role = z.enum(['learner', 'instructor', 'admin'], { message: 'Pick a role: learner, instructor or admin.' });
const password = z.string().superRefine((p, c) => {
  const problem = passwordProblem(p);
  if (problem) c.addIssue({ code: 'custom', message: `${problem[0]!.toUpperCase()}${problem.slice(1)}.` });
});
const createBody = z.object({
  username: z.string().trim().toLowerCase().regex(usernamePattern, 'A username has 2-64 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.'),
  displayName: z.string().trim().max(60, 'A display name has at most 60 characters.').optional(),
  role,
  password,
}).passthrough();

/** What a form or API call sent, or a clear 400 with the first problem. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, r.error.issues[0]!.message);
  return r.data;
}

export const adminRoutes: RouteModule = (app, ctx) => {
  if (ctx.config.auth !== 'accounts') return; // single-user mode has one automatic user and nothing to administer

  const userOr404 = (idParam: unknown): User => {
    const id = Number(idParam);
    const user = Number.isInteger(id) ? ctx.store.users.byId(id) : undefined;
    if (!user) throw new HttpError(404, 'There is no such user.');
    return user;
  };

  /** The last admin who can sign in stays one: otherwise nobody could manage accounts from the browser. */
  const keepsAnAdmin = (user: User, doing: string) => {
    if (user.role === 'admin' && !user.disabledAt && ctx.store.users.activeAdminCount() <= 1) {
      throw new HttpError(409, `You cannot ${doing} ${user.username}: it is the last admin, and nobody could manage accounts any more.`, 'Make another account an admin first.');
    }
  };

  const render = (req: Request, res: Response, status = 200, notice?: { kind: 'ok' | 'error'; text: string }, form?: Record<string, string>) => {
    const s = requireAdmin(req);
    const body = usersView({ users: ctx.store.users.list(), signedIn: ctx.store.sessions.liveCountByUser(), labs: ctx.store.labs.list(), session: s, notice, typed: form });
    res.status(status).type('html').send(page({ title: 'Users', session: s, accounts: true, body }));
  };

  /**
   * One admin action: checked, done, logged. A form gets the page again with what happened (an
   * error keeps what was typed); an API call gets JSON.
   */
  const action = (path: string, run: (req: Request, admin: User) => Promise<{ message: string; user: User }>) => {
    app.post([`/admin${path}`, `/api/admin${path}`], async (req, res) => {
      const s = requireAdmin(req);
      const form = wantsHtml(req) && !req.path.startsWith('/api/');
      try {
        const { message, user } = await run(req, s.user);
        if (form) return render(req, res, 200, { kind: 'ok', text: message });
        res.json({ message, user: publicUser(user) });
      } catch (err) {
        if (!(err instanceof HttpError) || !form) throw err;
        ctx.log.info('admin action refused', { by: s.user.username, path: req.path, reason: err.message });
        const typed = typeof req.body === 'object' && req.body ? (req.body as Record<string, unknown>) : {};
        render(req, res, err.status, { kind: 'error', text: err.message }, { username: String(typed.username ?? ''), displayName: String(typed.displayName ?? ''), role: String(typed.role ?? '') });
      }
    });
  };

  app.get('/admin/users', (req, res) => render(req, res));

  app.get('/api/admin/users', (req, res) => {
    requireAdmin(req);
    res.json(ctx.store.users.list().map(publicUser));
  });

  action('/users', async (req, admin) => {
    const b = parse(createBody, req.body);
    if (ctx.store.users.byUsername(b.username)) throw new HttpError(409, `There is already a user named ${b.username}.`, 'Pick another username.');
    const user = ctx.store.users.create({ username: b.username, displayName: b.displayName || b.username, role: b.role, passwordHash: await hashPassword(b.password) });
    ctx.log.info('admin: user created', { by: admin.username, userId: user.id, username: user.username, role: user.role });
    return { message: `Created ${user.username} (${user.role}).`, user };
  });

  action('/users/:id/role', async (req, admin) => {
    const user = userOr404(req.params.id);
    const next: Role = parse(z.object({ role }).passthrough(), req.body).role;
    if (next === user.role) return { message: `${user.username} is already ${next === 'admin' ? 'an' : 'a'} ${next}.`, user };
    if (next !== 'admin') keepsAnAdmin(user, 'make a learner or instructor of');
    ctx.store.users.setRole(user.id, next);
    // Sessions carry the user as read at each request, so the new role holds from the next one on.
    ctx.log.info('admin: role changed', { by: admin.username, userId: user.id, username: user.username, from: user.role, to: next });
    return { message: `${user.username} is now ${next === 'admin' ? 'an' : 'a'} ${next}.`, user: ctx.store.users.byId(user.id)! };
  });

  action('/users/:id/disable', async (req, admin) => {
    const user = userOr404(req.params.id);
    if (user.disabledAt) return { message: `${user.username} is already disabled.`, user };
    keepsAnAdmin(user, 'disable');
    ctx.store.users.setDisabled(user.id, true);
    ctx.sessions.destroyForUser(user.id);
    await terminalsFor(ctx).endFor(user.id, 'exited', 'This account was disabled.').catch(() => undefined);
    ctx.log.info('admin: user disabled', { by: admin.username, userId: user.id, username: user.username });
    return { message: `Disabled ${user.username}: signed out everywhere, and cannot sign in until enabled.`, user: ctx.store.users.byId(user.id)! };
  });

  action('/users/:id/enable', async (req, admin) => {
    const user = userOr404(req.params.id);
    if (!user.disabledAt) return { message: `${user.username} is not disabled.`, user };
    ctx.store.users.setDisabled(user.id, false);
    ctx.log.info('admin: user enabled', { by: admin.username, userId: user.id, username: user.username });
    return { message: `Enabled ${user.username}: they can sign in again.`, user: ctx.store.users.byId(user.id)! };
  });

  // A running lab: deleted, its owner's shell ended (they can start a fresh one). Warm labs have no owner and stay.
  action('/labs/:name/end', async (req, admin) => {
    const lab = ctx.store.labs.list().find((l) => l.name === req.params.name);
    if (!lab) throw new HttpError(404, `There is no lab ${String(req.params.name)}: it may have ended already.`);
    if (lab.ownerId === null) throw new HttpError(409, `${lab.name} is a warm lab nobody uses yet; it is not ended from here.`);
    const owner = ctx.store.users.byId(lab.ownerId);
    if (!owner) throw new HttpError(404, 'The owner of this lab is gone.');
    await ctx.labs.release(owner.id, 'An admin ended your lab.');
    ctx.log.info('admin: lab ended', { by: admin.username, lab: lab.name, userId: owner.id, username: owner.username });
    return { message: `Ended ${lab.name} of ${owner.username}.`, user: owner };
  });

  action('/users/:id/password', async (req, admin) => {
    const user = userOr404(req.params.id);
    const { password: p } = parse(z.object({ password }).passthrough(), req.body);
    ctx.store.users.setPasswordHash(user.id, await hashPassword(p));
    // Whoever knew the old password is signed out (unless it is the admin changing their own).
    if (user.id !== admin.id) ctx.sessions.destroyForUser(user.id);
    ctx.log.info('admin: password set', { by: admin.username, userId: user.id, username: user.username });
    return { message: `Set a new password for ${user.username}${user.id === admin.id ? '' : ', and signed them out'}.`, user };
  });
};

/** A user as the API shows it: never the password hash. */
function publicUser(u: User) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, createdAt: u.createdAt, disabledAt: u.disabledAt, password: u.passwordHash ? 'set' : 'none' };
}
