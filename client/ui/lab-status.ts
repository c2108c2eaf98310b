/**
 * The lab status in the top bar (creating with its step, ready, or lost with the reason) and the
 * reset button with its confirmation dialog. Lab facts fill the lesson's {{variables}}.
 */
import type { LabStatusView } from '../../shared/terminal-protocol.js';
import { api } from '../pages/api.js';
import { announce } from './dom.js';

export interface LabStatusUi {
  show(status: LabStatusView): void;
  /** The terminal's connection: while the server cannot be reached the lab's state is unknown, and the pill says so. */
  connection(kind: string): void;
}

export function setupLabStatus(root: HTMLElement, reset: { button: HTMLButtonElement; dialog: HTMLDialogElement }): LabStatusUi {
  const text = root.querySelector<HTMLElement>('.lab-text')!;
  const bar = root.querySelector<HTMLProgressElement>('progress')!;
  let lastState = '';
  let lastWarning: string | undefined;
  let last: LabStatusView | undefined;
  let unreachable = false;

  const show = (s: LabStatusView) => {
    last = s;
    if (unreachable) return; // shown once the server answers again
    root.dataset.state = s.state;
    bar.hidden = s.state !== 'creating';
    switch (s.state) {
      case 'none':
        // With a reason the lab is gone for good (its workshop ended); without, it comes with the terminal.
        text.textContent = s.reason ? `No lab: ${s.reason}` : 'Preparing your lab…';
        root.title = s.reason ? '' : 'Your lab is created when the terminal connects.';
        break;
      case 'creating':
        text.textContent = `Creating your lab: ${s.step} (${Math.min(s.done + 1, s.total)}/${s.total})`;
        bar.max = s.total;
        bar.value = s.done;
        root.title = 'A fresh cluster is starting for you. This takes a few seconds.';
        break;
      case 'ready':
        text.textContent = s.restoring
          ? `Resetting your lab · ${s.lab.name}…`
          : s.parked === 'parked'
            ? `Lab parked · ${s.lab.name} · wakes when you type`
            : s.parked === 'waking'
              ? `Waking your lab · ${s.lab.name}…`
              : s.warning
                ? `Lab ready · ${s.lab.name} · over a limit`
                : `Lab ready · ${s.lab.name}`;
        root.title = s.restoring
          ? 'Your lab is going back to the state it started in. Your terminal stays; kubectl waits a few seconds.'
          : s.parked
          ? 'Unused for a while, your lab was paused to free the server; everything in it is kept. It starts again in a few seconds when you type, check or reload.'
          : (s.warning ?? `Nodes: ${s.lab.workers.join(', ')}. Namespace: ${s.lab.namespace}.`);
        if (s.restoring) root.dataset.restoring = 'true';
        else delete root.dataset.restoring;
        if (s.parked) root.dataset.parked = s.parked;
        else delete root.dataset.parked;
        if (s.warning) root.dataset.warning = s.warning;
        else delete root.dataset.warning;
        if (s.warning && s.warning !== lastWarning) announce(s.warning, 'error');
        lastWarning = s.warning;
        fillVariables(s.lab.variables);
        document.body.dataset.labLacks = Object.keys(s.lab.unsupported).join(' ');
        break;
      case 'lost':
        text.textContent = `Lab lost: ${s.reason}`;
        root.title = 'Press "Create a new lab" to get a new one.';
        break;
    }
    reset.button.textContent = s.state === 'lost' ? 'Create a new lab' : 'Reset lab';
    if (s.state !== lastState) {
      if (s.state === 'ready') announce('Your lab is ready.');
      if (s.state === 'lost') announce(`Your lab was lost: ${s.reason}`, 'error');
      lastState = s.state;
    }
  };

  reset.button.addEventListener('click', () => {
    reset.dialog.returnValue = '';
    reset.dialog.showModal();
  });
  reset.dialog.addEventListener('close', () => {
    if (reset.dialog.returnValue !== 'reset') return;
    // The server's next lab frame says how: restored in place (the terminal stays) or replaced.
    text.textContent = 'Resetting your lab…';
    api('/api/lab/reset', { method: 'POST' }).catch((err: Error) => announce(`The lab could not be reset: ${err.message}`, 'error'));
  });
  const fetchStatus = () =>
    api<LabStatusView>('/api/lab').then(
      (s) => {
        if (!unreachable) show(s);
      },
      () => undefined,
    );
  void api<LabStatusView>('/api/lab').then((s) => {
    if (!root.dataset.state) show(s);
  }, () => undefined);

  // The terminal's socket dropped: ask the server whether it is there at all (a dropped socket alone
  // may be a network blip or a shell that ended); only when it does not answer is the lab unknown.
  let probing = false;
  const markUnreachable = (gaveUp: boolean) => {
    unreachable = true;
    root.dataset.state = 'unreachable';
    bar.hidden = true;
    delete root.dataset.parked;
    delete root.dataset.warning;
    text.textContent = gaveUp ? 'Server unreachable · lab state unknown' : 'Server unreachable · reconnecting…';
    root.title = 'The connection to the server is lost, so nothing is known about your lab until it is back.';
    if (lastState !== 'unreachable') announce("The connection to the server was lost: your lab's state is unknown until it is back.", 'error');
    lastState = 'unreachable';
  };
  const reachable = () => {
    if (!unreachable) return;
    unreachable = false;
    // The server is back: the last known state until it answers with what is true now (the lab may have gone meanwhile).
    if (last) show(last);
    void fetchStatus();
  };
  const connection = (kind: string) => {
    if (kind === 'open') return reachable();
    if (kind !== 'reconnecting' && kind !== 'gave-up') return;
    if (unreachable && kind === 'gave-up') markUnreachable(true);
    if (probing) return;
    probing = true;
    void fetch('/healthz', { cache: 'no-store' })
      .then((r) => r.ok, () => false)
      .then((up) => {
        probing = false;
        if (up) reachable();
        else markUnreachable(kind === 'gave-up');
      });
  };
  return { show, connection };
}

/** Fills {{worker1}}-style placeholders the server could not fill yet (the lab was not ready). */
export function fillVariables(vars: Record<string, string>): void {
  for (const el of document.querySelectorAll<HTMLElement>('.lab-var[data-var]')) {
    const v = vars[el.dataset.var ?? ''];
    if (v === undefined) continue;
    el.textContent = v;
    el.classList.remove('pending');
  }
}
