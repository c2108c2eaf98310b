/** The same picture as tables: the text equivalent of every node, pod, Service and event. */
import { h } from '../ui/dom.js';
import type { MapStore } from './connection.js';
import { ownerOf, ownerText, podStateText, readyEndpointPods, timeText, type Picture } from './model.js';

function table(caption: string, heads: string[], rows: (string | Node)[][], empty: string): HTMLElement {
  if (rows.length === 0) return h('section', { class: 'cm-table-part' }, h('h3', {}, caption), h('p', { class: 'cm-empty' }, empty));
  return h(
    'section',
    { class: 'cm-table-part' },
    h(
      'table',
      { class: 'cm-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...heads.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...rows.map(([first, ...rest]) => h('tr', {}, h('th', { scope: 'row' }, first ?? ''), ...rest.map((c) => h('td', {}, c))))),
    ),
  );
}

export function renderTable(root: HTMLElement, pic: Picture, store: MapStore): void {
  const nodes = table(
    `Nodes (${pic.nodes.length})`,
    ['Node', 'Ready', 'Scheduling', 'Pods', 'Taints', 'Labels'],
    pic.nodes.map((n) => [
      n.name,
      n.ready ? 'Ready' : 'NotReady',
      n.unschedulable ? 'Cordoned (SchedulingDisabled)' : 'Schedulable',
      String((pic.placed.get(n.name) ?? []).reduce((a, g) => a + g.pods.length, 0)),
      n.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || 'none',
      Object.entries(n.labels)
        .map(([k, v]) => (v ? `${k}=${v}` : k))
        .join(', ') || 'none',
    ]),
    'No nodes.',
  );
  const pods = table(
    `Pods (${pic.pods.length})`,
    ['Pod', 'Namespace', 'Node', 'Status', 'Owner', 'Why pending'],
    pic.pods.map((p) => [p.name, p.namespace, p.node ?? 'Pending (not scheduled)', podStateText(p), ownerText(ownerOf(p, store)), p.reason ?? '']),
    'No pods in the chosen namespaces.',
  );
  const services = table(
    `Services (${pic.services.length})`,
    ['Service', 'Namespace', 'Type', 'Address', 'Ready endpoints'],
    pic.services.map((s) => {
      const ready = readyEndpointPods(s, store).map((id) => store.pods.get(id)?.name ?? id);
      return [s.name, s.namespace, s.type, [s.clusterIP, s.ports].filter(Boolean).join(' · '), ready.length ? ready.join(', ') : 'none'];
    }),
    'No Services in the chosen namespaces.',
  );
  const events = table(
    `Recent events (${pic.events.length})`,
    ['Time', 'Type', 'Object', 'Reason', 'Message'],
    pic.events.map((e) => [timeText(e.time), e.type, e.object, e.reason, e.count > 1 ? `${e.message} (×${e.count})` : e.message]),
    'No events yet.',
  );
  root.replaceChildren(nodes, pods, services, events);
}
