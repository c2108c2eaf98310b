/** Real Chromium for end-to-end tests (the Debian package; never a downloaded browser). */
import { chromium, type Browser, type Page } from 'playwright-core';

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
