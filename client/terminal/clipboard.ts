/**
 * Copy and paste in the terminal: Ctrl+Shift+C / Ctrl+Shift+V (Cmd+C / Cmd+V on a Mac), and
 * Ctrl+C copies when text is selected (otherwise it interrupts, as in any terminal). Tab belongs to
 * the shell (completion); F6 leaves the terminal.
 */
import type { Terminal } from '@xterm/xterm';

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or not a secure context): the old way still works on a user gesture.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function installClipboard(term: Terminal): void {
  term.attachCustomKeyEventHandler((e) => {
    // F6 moves focus between the lesson and the terminal (the page handles it); the shell never sees it.
    if (e.key === 'F6') return false;
    if (e.type !== 'keydown') return true;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.code === 'KeyC' && (e.shiftKey || e.metaKey || term.hasSelection())) {
      if (term.hasSelection()) {
        void copyText(term.getSelection());
        if (!e.shiftKey) term.clearSelection();
        e.preventDefault();
      }
      return false;
    }
    // Let the browser deliver a paste event, which xterm.js turns into input (bracketed if the shell asks).
    if (mod && e.code === 'KeyV' && (e.shiftKey || e.metaKey)) return false;
    return true;
  });
}
