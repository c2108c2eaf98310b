/**
 * The users page in real Chromium against a real server (accounts mode). The
 * admin creates an instructor, changes their role, sets a new password (the instructor is signed
 * out and signs in with it), disables them (signed out; signing in is refused with a clear
 * message) and enables them again. Disabling or demoting the last admin is refused with a clear
 * message and changes nothing; a non-admin gets 403 from every action; bad input keeps what was
 * typed. The page shows who is signed in and the labs that run; the admin ends one (a real kwok
 * lab). Screenshots at 1280x720: .scratch/screenshots/admin-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, signInPage } from '../helpers/browser.js';
import { hashPassword } from '../../server/accounts.js';
import { packageRoot } from '../../sandbox/index.js';

const shots = join(packageRoot, '.scratch', 'screenshots');
const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `admin-${name}.png`), fullPage: false });
const adminPassword = 'the admin passphrase';

let srv: TestServer;
let browser: Browser;
let adminContext: BrowserContext;
let admin: Page;
const users = () => srv.server.ctx.store.users;

async function signIn(username: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  return { context, page: await signInPage(context, srv.url, username, password) };
}

const row = (username: string) => `tr[data-user="${username}"]`;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startTestServer({ auth: 'accounts' });
  users().create({ username: 'root', displayName: 'The Admin', role: 'admin', passwordHash: await hashPassword(adminPassword) });
  browser = await launchChromium();
  ({ context: adminContext, page: admin } = await signIn('root', adminPassword));
  await admin.waitForURL(`${srv.url}/`);
  admin.on('dialog', (d) => void d.accept());
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('the users page', () => {
  it('the admin reaches it from the header and creates an instructor; bad input keeps what was typed', async () => {
    await admin.click('header.topbar a[href="/admin/users"]');
    await admin.waitForSelector('h1:has-text("Users")');
    // A password that is too short: refused with the reason, the rest of the form kept.
    await admin.fill('#new-user input[name=username]', 'tina');
    await admin.fill('#new-user input[name=displayName]', 'Tina Teacher');
    await admin.selectOption('#new-user select[name=role]', 'instructor');
    await admin.fill('#new-user input[name=password]', 'short');
    await admin.evaluate(() => document.querySelector<HTMLFormElement>('#new-user')!.noValidate = true);
    await admin.click('#new-user button[type=submit]');
    expect(await admin.textContent('#admin-notice')).toBe('A password needs at least 10 characters.');
    expect(await admin.inputValue('#new-user input[name=username]')).toBe('tina');
    expect(await admin.inputValue('#new-user input[name=displayName]')).toBe('Tina Teacher');
    expect(await admin.inputValue('#new-user select[name=role]')).toBe('instructor');
    expect(users().byUsername('tina')).toBeUndefined();

    await admin.fill('#new-user input[name=password]', 'tina teaches kubernetes');
    await admin.click('#new-user button[type=submit]');
    expect(await admin.textContent('#admin-notice')).toBe('Created tina (instructor).');
    expect(await admin.inputValue(`${row('tina')} select[name=role]`)).toBe('instructor');
    expect(users().byUsername('tina')).toMatchObject({ displayName: 'Tina Teacher', role: 'instructor', disabledAt: null });
    // The same name twice is refused.
    await admin.fill('#new-user input[name=username]', 'tina');
    await admin.fill('#new-user input[name=password]', 'another long password');
    await admin.click('#new-user button[type=submit]');
    expect(await admin.textContent('#admin-notice')).toBe('There is already a user named tina.');
    await shot(admin, 'users-created');
  });

  it('a non-admin gets 403 from the page and from every action', async () => {
    const { context, page } = await signIn('tina', 'tina teaches kubernetes');
    await page.waitForURL(`${srv.url}/`);
    expect(await page.locator('header.topbar a[href="/admin/users"]').count()).toBe(0);
    expect((await page.goto(`${srv.url}/admin/users`))?.status()).toBe(403);
    expect(await page.textContent('.error-card')).toMatch(/This page is for admins/);
    const rootId = users().byUsername('root')!.id;
    const statuses = await page.evaluate(async (id) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const post = async (path: string, body: unknown) => (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) })).status;
      return [
        (await fetch('/api/admin/users', { headers: { accept: 'application/json' } })).status,
        await post('/api/admin/users', { username: 'mallory', role: 'admin', password: 'a long enough password' }),
        await post(`/api/admin/users/${id}/disable`, {}),
        await post(`/api/admin/users/${id}/role`, { role: 'learner' }),
        await post(`/api/admin/users/${id}/password`, { password: 'a long enough password' }),
      ];
    }, rootId);
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    expect(users().byUsername('mallory')).toBeUndefined();
    expect(users().byUsername('root')).toMatchObject({ role: 'admin', disabledAt: null });
    await context.close();
  });

  it('changing the role takes effect at once', async () => {
    await admin.selectOption(`${row('tina')} select[name=role]`, 'learner');
    await admin.click(`${row('tina')} form[action$="/role"] button`);
    expect(await admin.textContent('#admin-notice')).toBe('tina is now a learner.');
    expect(users().byUsername('tina')!.role).toBe('learner');
    await admin.selectOption(`${row('tina')} select[name=role]`, 'instructor');
    await admin.click(`${row('tina')} form[action$="/role"] button`);
    expect(users().byUsername('tina')!.role).toBe('instructor');
  });

  it('a new password signs the user out; they sign in with it', async () => {
    const tina = await signIn('tina', 'tina teaches kubernetes');
    await tina.page.waitForURL(`${srv.url}/`);
    await admin.fill(`${row('tina')} input[name=password]`, 'a brand new passphrase');
    await admin.click(`${row('tina')} form[action$="/password"] button`);
    expect(await admin.textContent('#admin-notice')).toBe('Set a new password for tina, and signed them out.');
    await tina.page.goto(`${srv.url}/workshops`);
    expect(new URL(tina.page.url()).pathname).toBe('/login');
    await tina.context.close();
    const old = await signIn('tina', 'tina teaches kubernetes');
    expect(await old.page.textContent('.error')).toMatch(/username or password is not right/);
    await old.context.close();
    const fresh = await signIn('tina', 'a brand new passphrase');
    await fresh.page.waitForURL(`${srv.url}/`);
    await fresh.context.close();
  });

  it('disabling signs the user out everywhere and refuses their sign-in with a clear message; enabling lets them back', async () => {
    const tina = await signIn('tina', 'a brand new passphrase');
    await tina.page.waitForURL(`${srv.url}/`);
    await admin.click(`${row('tina')} form[action$="/disable"] button`);
    expect(await admin.textContent('#admin-notice')).toBe('Disabled tina: signed out everywhere, and cannot sign in until enabled.');
    expect(await admin.textContent(`${row('tina')} .state`)).toBe('disabled');
    await shot(admin, 'user-disabled');
    await tina.page.goto(`${srv.url}/workshops`);
    expect(new URL(tina.page.url()).pathname).toBe('/login');
    await tina.context.close();
    const refused = await signIn('tina', 'a brand new passphrase');
    expect(await refused.page.textContent('.error')).toBe('This account is disabled. Ask an admin to enable it.');
    await shot(refused.page, 'disabled-sign-in');
    await refused.context.close();

    await admin.click(`${row('tina')} form[action$="/enable"] button`);
    expect(await admin.textContent('#admin-notice')).toBe('Enabled tina: they can sign in again.');
    const back = await signIn('tina', 'a brand new passphrase');
    await back.page.waitForURL(`${srv.url}/`);
    await back.context.close();
  });

  it('the admin sees who is signed in and which labs run (owner, age), and ends one', async () => {
    const tina = await signIn('tina', 'a brand new passphrase');
    await tina.page.waitForURL(`${srv.url}/`);
    const tinaId = users().byUsername('tina')!.id;
    const lab = await srv.server.ctx.labs.labFor(tinaId); // a real kwok lab, as her terminal would start
    await admin.goto(`${srv.url}/admin/users`);
    // This sign-in and the one the test before left open (its browser closed without signing out).
    expect(await admin.textContent(`${row('tina')} .signed-in`)).toBe('yes (2 sessions)');
    const labRow = `tr[data-lab="${lab.name}"]`;
    expect(await admin.textContent(`${labRow} td:nth-of-type(1)`)).toBe('tina');
    expect(await admin.textContent(`${labRow} td:nth-of-type(3)`)).toMatch(/^\d+ min$/);
    await admin.locator('#labs-h').scrollIntoViewIfNeeded();
    await shot(admin, 'running-labs');
    await admin.click(`${labRow} form[action$="/end"] button`);
    expect(await admin.textContent('#admin-notice')).toBe(`Ended ${lab.name} of tina.`);
    expect(srv.server.ctx.store.labs.list().map((l) => l.name)).not.toContain(lab.name);
    expect(await admin.locator(labRow).count()).toBe(0);
    expect(srv.server.ctx.labs.statusOf(tinaId).state).toBe('none');
    // Ending it again (a stale page) says it is gone.
    const again = await admin.evaluate(async (name) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const r = await fetch(`/api/admin/labs/${name}/end`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, body: '{}' });
      return { status: r.status, error: ((await r.json()) as { error: string }).error };
    }, lab.name);
    expect(again).toEqual({ status: 404, error: `There is no lab ${lab.name}: it may have ended already.` });
    await tina.context.close();
  });

  it('the last admin cannot disable or demote themselves: a clear message, nothing changed', async () => {
    await admin.click(`${row('root')} form[action$="/disable"] button`);
    expect(await admin.textContent('#admin-notice')).toBe('You cannot disable root: it is the last admin, and nobody could manage accounts any more.');
    await shot(admin, 'last-admin-refused');
    await admin.selectOption(`${row('root')} select[name=role]`, 'instructor');
    await admin.click(`${row('root')} form[action$="/role"] button`);
    expect(await admin.textContent('#admin-notice')).toBe('You cannot make a learner or instructor of root: it is the last admin, and nobody could manage accounts any more.');
    expect(users().byUsername('root')).toMatchObject({ role: 'admin', disabledAt: null });
    // Still signed in, still an admin.
    await admin.goto(`${srv.url}/admin/users`);
    await admin.waitForSelector('h1:has-text("Users")');
    // With a second admin, the first may step down.
    await admin.selectOption(`${row('tina')} select[name=role]`, 'admin');
    await admin.click(`${row('tina')} form[action$="/role"] button`);
    await admin.click(`${row('root')} form[action$="/disable"] button`);
    expect(await admin.textContent('#admin-notice')).toBe('Disabled root: signed out everywhere, and cannot sign in until enabled.');
    expect(users().byUsername('root')!.disabledAt).not.toBeNull();
    await adminContext.close();
  });
});
