/**
 * Blocks that scroll sideways (code, a scenario's command output) can be reached and scrolled by
 * keyboard: each one that overflows gets a tab stop, and loses it when it fits again. Checked at
 * load, on resize and when the page adds content (the quiz loads after the page); the terminal's
 * own redraws are ignored.
 */
const selector = 'pre, code.quiz-output';

function mark(): void {
  for (const el of document.querySelectorAll<HTMLElement>(selector)) {
    if (el.closest('.xterm')) continue;
    const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    if (scrolls && !el.hasAttribute('tabindex')) {
      el.tabIndex = 0;
      el.dataset.scrollStop = '';
    } else if (!scrolls && el.dataset.scrollStop !== undefined) {
      el.removeAttribute('tabindex');
      delete el.dataset.scrollStop;
    }
  }
}

export function keyboardScrollable(): void {
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      mark();
    });
  };
  mark();
  window.addEventListener('resize', later);
  new ResizeObserver(later).observe(document.body);
  new MutationObserver((records) => {
    if (records.some((r) => !(r.target instanceof Element && r.target.closest('.xterm, .terminal-host')))) later();
  }).observe(document.body, { childList: true, subtree: true });
}
