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
  bar.replaceChildren(el('div', { class: 'notices-inner' }, el('a', { href: '/workshop', class: 'workshop-title' }, workshop.title), time, latest));
  bar.classList.add('active');

  const tick = () => {
    const left = (Date.parse(workshop.closesAt) - Date.now()) / 1000;
    time.textContent = workshop.state === 'ended' || left <= 0 ? 'The workshop has ended.' : `${clock(left)} left`;
    time.classList.toggle('soon', left > 0 && left < 600);
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
  });
}
