/**
 * Light and dark themes. The page follows the system (prefers-color-scheme) until the learner
 * picks one with the toggle; the choice is kept in localStorage. public/theme-init.js applies it
 * before the first paint; this module keeps it current and tells listeners.
 */
const key = 'kubelab-theme';
const media = window.matchMedia('(prefers-color-scheme: dark)');

export type Theme = 'light' | 'dark';

function stored(): Theme | undefined {
  try {
    const v = localStorage.getItem(key);
    return v === 'light' || v === 'dark' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function currentTheme(): Theme {
  return stored() ?? (media.matches ? 'dark' : 'light');
}

const listeners = new Set<(t: Theme) => void>();

export function onThemeChange(fn: (t: Theme) => void): void {
  listeners.add(fn);
}

function apply(): void {
  const t = currentTheme();
  document.documentElement.dataset.theme = t;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-theme-toggle]')) {
    const next = t === 'dark' ? 'light' : 'dark';
    b.setAttribute('aria-label', `Switch to ${next} theme`);
    b.title = `Switch to ${next} theme`;
    b.dataset.current = t;
  }
  listeners.forEach((fn) => fn(t));
}

export function setupTheme(): void {
  apply();
  media.addEventListener('change', () => {
    if (!stored()) apply();
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-theme-toggle]')) {
    b.addEventListener('click', () => {
      const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
      try {
        // Choosing what the system already says means "follow the system" again.
        if (next === (media.matches ? 'dark' : 'light')) localStorage.removeItem(key);
        else localStorage.setItem(key, next);
      } catch {
        /* storage blocked: the choice lasts for this page only */
        document.documentElement.dataset.theme = next;
      }
      apply();
    });
  }
}
