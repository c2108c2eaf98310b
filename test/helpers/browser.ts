/** Real Chromium for end-to-end tests (the Debian package; never a downloaded browser). */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.KUBELAB_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Every line of the page's terminal (scrollback included), read from xterm.js's buffer. */
export function terminalLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const t = (window as unknown as { kubelab: { terminal(): { term: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } } } }).kubelab.terminal();
    const b = t.term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out;
  });
}

/** Waits until the terminal's text matches; returns it. */
export async function waitForTerminal(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await terminalLines(page)).join('\n');
    if (pattern.test(text)) return text;
    await page.waitForTimeout(150);
  }
  throw new Error(`the terminal never showed ${pattern}; it shows:\n${text.split('\n').filter(Boolean).slice(-25).join('\n')}`);
}

/** Types a line into the page's terminal, as a learner would, and presses Enter. */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('#terminal-host .xterm-helper-textarea').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Waits until the page's lab is ready, its terminal connected and at a prompt; returns the lab line. */
export async function waitForLab(page: Page, prompt: RegExp, { labMs = 180_000, socketMs = 30_000 } = {}): Promise<string> {
  await page.waitForFunction(() => document.getElementById('lab-status')?.dataset.state === 'ready', null, { timeout: labMs });
  await page.waitForFunction(() => document.querySelector<HTMLElement>('.conn-state')?.dataset.kind === 'open', null, { timeout: socketMs }).catch(async (err: Error) => {
    // Say what the page showed instead, so a failure names the state it was stuck in.
    const seen = await page.evaluate(() => ({
      connection: document.querySelector<HTMLElement>('.conn-state')?.dataset.kind,
      overlay: document.querySelector<HTMLElement>('.terminal-overlay:not([hidden])')?.textContent?.trim(),
      lab: document.querySelector('#lab-status .lab-text')?.textContent,
    })).catch(() => undefined);
    throw new Error(`${err.message}; the terminal's connection stayed ${JSON.stringify(seen)}`);
  });
  await waitForTerminal(page, prompt, socketMs * 2);
  return (await page.locator('#lab-status .lab-text').textContent()) ?? '';
}

/** A new page in the context that signs in on the sign-in form (it waits for nothing: a refusal is for the caller to see). */
export async function signInPage(context: BrowserContext, baseUrl: string, username: string, password: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`${username} page error:`, e.message));
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  return page;
}

/** POSTs JSON from the page with its CSRF token, as the page's own scripts do; the status, and the error and hint said. */
export function postFromPage(page: Page, path: string, body: unknown): Promise<{ status: number; error?: string; hint?: string }> {
  return page.evaluate(
    async ([path, body]) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const r = await fetch(path as string, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
      const json = (await r.json().catch(() => ({}))) as { error?: string; hint?: string };
      return { status: r.status, error: json.error, hint: json.hint };
    },
    [path, body] as const,
  );
}
