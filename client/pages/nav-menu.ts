/**
 * The top bar's menu button (shown below 900 px, where the learner's links fold away): it opens and
 * closes the links; Escape or a click elsewhere closes them and gives the focus back to the button.
 */
export function navMenu(): void {
  const button = document.querySelector<HTMLButtonElement>('header.topbar .nav-toggle');
  const bar = button?.closest<HTMLElement>('header.topbar');
  const menu = document.getElementById('topnav');
  if (!button || !bar || !menu) return;
  const set = (open: boolean, focusButton = false) => {
    bar.classList.toggle('nav-open', open);
    button.setAttribute('aria-expanded', String(open));
    if (focusButton) button.focus();
  };
  button.addEventListener('click', () => set(button.getAttribute('aria-expanded') !== 'true'));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && bar.classList.contains('nav-open')) set(false, menu.contains(document.activeElement) || document.activeElement === button);
  });
  document.addEventListener('click', (e) => {
    if (bar.classList.contains('nav-open') && !menu.contains(e.target as Node) && !button.contains(e.target as Node)) set(false);
  });
}
