/** Building DOM from data without HTML strings: every text goes in as textContent. */
type Child = Node | string | false | null | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== false && c !== null && c !== undefined) el.append(c);
  return el;
}

export function $(selector: string, root: ParentNode = document): HTMLElement | null {
  return root.querySelector<HTMLElement>(selector);
}

/** Shows a short message in the page's live region (read by screen readers, seen by everyone). */
export function announce(message: string, kind: 'info' | 'error' = 'info'): void {
  const region = document.getElementById('toast');
  if (!region) return;
  region.textContent = message;
  region.dataset.kind = kind;
  region.hidden = false;
  window.clearTimeout(Number(region.dataset.timer ?? 0));
  region.dataset.timer = String(window.setTimeout(() => (region.hidden = true), 4000));
}
