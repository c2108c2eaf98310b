/**
 * The notices bar of a workshop learner: time left and the instructor's messages, live over
 * server-sent events (/api/notices/stream). Pages without a #notices element get one at the top.
 */
import { api, clock, el } from './api.js';

interface Message {
  id: number;
  body: string;
  createdAt: string;
}
interface WorkshopInfo {
  id: number;
  title: string;
  closesAt: string;
  state: 'scheduled' | 'open' | 'ended';
}

const seenKey = (workshopId: number) => `kubelab.notices.seen.${workshopId}`;

/**
 * What a workshop learner is told when the workshop ends, on every open page (the notices bar and
 * the terminal). It says what the server did: labs deleted, learners signed out, results kept.
 */
export const workshopEnded = {
  title: 'The workshop has ended.',
  detail: 'Your lab is deleted and this browser is signed out. Your results stay with your instructor, who can export them.',
  where: 'To keep practising, join another workshop with a new code or sign in with an account.',
  link: { href: '/join', label: 'Join another workshop' },
};

export async function mountNotices(): Promise<void> {
  if (!document.querySelector('meta[name="csrf-token"]')) return; // not signed in
  let data: { workshop: WorkshopInfo | null; messages: Message[] };
  try {
    data = await api('/api/notices');
  } catch {
    return;
  }
  if (!data.workshop) return;
  let workshop = data.workshop;
  let bar = document.getElementById('notices');
  if (!bar) {
    bar = el('div', { id: 'notices', class: 'notices', 'aria-live': 'polite' });
    document.body.prepend(bar);
  }
  const time = el('span', { class: 'time-left' });
  const latest = el('div', { class: 'message-list' });
  const barEl = bar;
  barEl.replaceChildren(el('div', { class: 'notices-inner' }, el('a', { href: '/workshop', class: 'workshop-title' }, workshop.title), time, latest));
  barEl.classList.add('active');

  let ended = false;
  const tick = () => {
    if (ended) return;
    const left = (Date.parse(workshop.closesAt) - Date.now()) / 1000;
    if (workshop.state === 'ended' || left <= 0) return showEnded();
    time.textContent = `${clock(left)} left`;
    time.classList.toggle('soon', left > 0 && left < 600);
  };
  // The end replaces the bar: what happened to the lab and the results, and where to go.
  const showEnded = () => {
    ended = true;
    // The workshop's own page: its badge follows (it said "open" while the page was open).
    const badge = document.getElementById('workshop-state');
    if (badge) {
      badge.textContent = 'ended';
      badge.className = 'state ended';
    }
    const ends = document.getElementById('workshop-ends');
    if (ends) ends.textContent = 'ended';
    barEl.classList.add('ended');
    barEl.replaceChildren(
      el('div', { class: 'notices-inner', role: 'alert' },
        el('p', { class: 'message' }, el('strong', {}, workshopEnded.title), ' ', workshopEnded.detail, ' ', workshopEnded.where),
        el('a', { href: workshopEnded.link.href, class: 'btn btn-small' }, workshopEnded.link.label)),
    );
  };
  tick();
  setInterval(tick, 1000);

  const seen = Number(localStorage.getItem(seenKey(workshop.id)) ?? 0);
  const show = (m: Message) => {
    if (m.id <= seen && !latest.querySelector(`[data-id="${m.id}"]`)) {
      // Already dismissed: not shown again.
      return;
    }
    const close = el('button', { type: 'button', class: 'btn btn-quiet', 'aria-label': 'Dismiss message' }, '×');
    const item = el('p', { class: 'message', 'data-id': String(m.id) }, el('strong', {}, 'Instructor: '), m.body, ' ', close);
    close.addEventListener('click', () => {
      localStorage.setItem(seenKey(workshop.id), String(Math.max(m.id, Number(localStorage.getItem(seenKey(workshop.id)) ?? 0))));
      item.remove();
    });
    latest.append(item);
    while (latest.children.length > 3) latest.firstElementChild?.remove();
  };
  data.messages.slice(-3).forEach(show);

  const stream = new EventSource('/api/notices/stream');
  stream.addEventListener('message', (ev) => show(JSON.parse((ev as MessageEvent<string>).data) as Message));
  stream.addEventListener('workshop', (ev) => {
    workshop = JSON.parse((ev as MessageEvent<string>).data) as WorkshopInfo;
    tick();
    if (ended) stream.close();
  });
}
