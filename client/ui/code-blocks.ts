/** Run and Copy buttons on the lesson's code blocks: Run types the block into the terminal. */
import { copyText } from '../terminal/clipboard.js';
import { announce } from './dom.js';

export function setupCodeBlocks(root: HTMLElement, run: (command: string) => boolean): void {
  root.addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (!button) return;
    const block = button.closest<HTMLElement>('.code-block');
    const code = block?.querySelector('code')?.textContent ?? '';
    if (button.dataset.action === 'copy') {
      void copyText(code.replace(/\n$/, '')).then((ok) => flash(button, ok ? 'Copied' : 'Copy failed'));
    } else if (button.dataset.action === 'run') {
      // Ctrl-C first for `interrupt` blocks; the terminal sends it as typed input, like a keypress.
      if (run(button.dataset.interrupt === 'true' ? `\x03${code}` : code)) flash(button, 'Sent');
      else announce('The terminal is not connected yet. Wait for your lab, then try again.', 'error');
    }
  });
}

function flash(button: HTMLButtonElement, label: string): void {
  const original = button.dataset.label ?? button.textContent ?? '';
  button.dataset.label = original;
  button.textContent = label;
  button.classList.add('flashed');
  window.setTimeout(() => {
    button.textContent = original;
    button.classList.remove('flashed');
  }, 1500);
}
