/**
 * The lab status in the top bar (creating with its step, ready, or lost with the reason) and the
 * reset button with its confirmation dialog. Lab facts fill the lesson's {{variables}}.
 */
import type { LabStatusView } from '../../shared/terminal-protocol.js';
import { api } from './api.js';
import { announce } from './dom.js';

export interface LabStatusUi {
  show(status: LabStatusView): void;
}

export function setupLabStatus(root: HTMLElement, reset: { button: HTMLButtonElement; dialog: HTMLDialogElement }, onResetStarted: () => void): LabStatusUi {
  const text = root.querySelector<HTMLElement>('.lab-text')!;
  const bar = root.querySelector<HTMLProgressElement>('progress')!;
  let lastState = '';

  const show = (s: LabStatusView) => {
    root.dataset.state = s.state;
    bar.hidden = s.state !== 'creating';
    switch (s.state) {
      case 'none':
        text.textContent = 'Preparing your lab…';
        root.title = 'Your lab is created when the terminal connects.';
        break;
      case 'creating':
        text.textContent = `Creating your lab: ${s.step} (${Math.min(s.done + 1, s.total)}/${s.total})`;
        bar.max = s.total;
        bar.value = s.done;
        root.title = 'A fresh cluster is starting for you. This takes a few seconds.';
        break;
      case 'ready':
        text.textContent = `Lab ready · ${s.lab.name}`;
        root.title = `Nodes: ${s.lab.workers.join(', ')}. Namespace: ${s.lab.namespace}.`;
        fillVariables(s.lab.variables);
        document.body.dataset.labLacks = Object.keys(s.lab.unsupported).join(' ');
        break;
      case 'lost':
        text.textContent = `Lab lost: ${s.reason}`;
        root.title = 'Reset the lab to get a new one.';
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
    show({ state: 'creating', step: 'deleting the old lab', done: 0, total: 1 });
    onResetStarted();
    api('POST', '/api/lab/reset').catch((err: Error) => announce(`The lab could not be reset: ${err.message}`, 'error'));
  });
  void api<LabStatusView>('GET', '/api/lab').then((s) => {
    if (!root.dataset.state) show(s);
  }, () => undefined);
  return { show };
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
