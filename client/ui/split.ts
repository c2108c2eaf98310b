/**
 * The divider between lesson and terminal: drag it with a pointer, or focus it and use the arrow
 * keys (Shift for bigger steps, Home/End for the limits). The width is remembered.
 */
const key = 'kubelab-split';
const min = 25;
const max = 75;

export function setupSplit(workspace: HTMLElement, divider: HTMLElement, onChange: () => void): void {
  const set = (percent: number, save = true) => {
    const p = Math.round(Math.min(max, Math.max(min, percent)) * 10) / 10;
    workspace.style.setProperty('--lesson-width', `${p}%`);
    divider.setAttribute('aria-valuenow', String(Math.round(p)));
    divider.setAttribute('aria-valuetext', `Lesson ${Math.round(p)}% of the width`);
    if (save) {
      try {
        localStorage.setItem(key, String(p));
      } catch {
        /* not remembered */
      }
    }
    onChange();
  };
  const saved = Number(localStorage.getItem(key) ?? NaN);
  set(Number.isFinite(saved) ? saved : 50, false);
  divider.setAttribute('aria-valuemin', String(min));
  divider.setAttribute('aria-valuemax', String(max));
  const current = () => Number(divider.getAttribute('aria-valuenow') ?? 50);

  divider.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    divider.setPointerCapture(e.pointerId);
    workspace.classList.add('resizing');
    const rect = workspace.getBoundingClientRect();
    const move = (ev: PointerEvent) => set(((ev.clientX - rect.left) / rect.width) * 100);
    const up = () => {
      workspace.classList.remove('resizing');
      divider.removeEventListener('pointermove', move);
      divider.removeEventListener('pointerup', up);
      divider.removeEventListener('pointercancel', up);
    };
    divider.addEventListener('pointermove', move);
    divider.addEventListener('pointerup', up);
    divider.addEventListener('pointercancel', up);
  });
  divider.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? 10 : 2;
    const moves: Record<string, () => number> = {
      ArrowLeft: () => current() - step,
      ArrowRight: () => current() + step,
      ArrowUp: () => current() - step,
      ArrowDown: () => current() + step,
      Home: () => min,
      End: () => max,
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    set(m());
  });
  divider.addEventListener('dblclick', () => set(50));
}
