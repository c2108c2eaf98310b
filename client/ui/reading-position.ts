/**
 * A reload keeps the reading position: the lesson pane's scroll offset is kept for this tab
 * (sessionStorage, per lesson) and restored when the page opens again. The lesson's images and
 * quiz arrive after the first paint and can move the text, so the offset is applied again as they
 * do, until the learner scrolls themselves. A link to a place in the lesson (#hash) wins.
 */
export function keepReadingPosition(pane: HTMLElement, lessonId: string): void {
  if (!lessonId) return;
  const key = `kubelab:reading:${lessonId}`;
  let storage: Storage | undefined;
  try {
    storage = window.sessionStorage;
  } catch {
    return; // storage blocked: nothing to keep
  }
  const saved = Number(storage.getItem(key) ?? '');
  let restoring = !location.hash && Number.isFinite(saved) && saved > 0;
  const restore = () => {
    if (restoring) pane.scrollTop = saved;
  };
  restore();
  // The learner takes over: from now on their position is what counts.
  for (const ev of ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const) pane.addEventListener(ev, () => (restoring = false), { passive: true, once: true });
  window.addEventListener('load', restore);
  const content = pane.firstElementChild;
  if (content) new ResizeObserver(restore).observe(content);

  let queued = false;
  const save = () => {
    queued = false;
    try {
      storage.setItem(key, String(Math.round(pane.scrollTop)));
    } catch {
      /* full or blocked: the position is a convenience */
    }
  };
  pane.addEventListener('scroll', () => {
    if (restoring || queued) return;
    queued = true;
    requestAnimationFrame(save);
  }, { passive: true });
  window.addEventListener('pagehide', () => {
    if (!restoring) save();
  });
}
