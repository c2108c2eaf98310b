/**
 * The picture: nodes as columns (labels, taints, cordoned), pods as chips in their node grouped by
 * workload, unscheduled pods in a Pending lane with the scheduler's reason, Services below with a
 * line to each ready endpoint. Every string from the cluster goes in as text (h() uses
 * textContent); state is said in words on each chip, the colour only repeats it.
 */
import type { NodeView, PodView, ServiceView } from '../../shared/cluster-map.js';
import { h } from '../ui/dom.js';
import type { MapStore } from './connection.js';
import { ownerText, podState, podStateText, readyEndpointPods, type Picture } from './model.js';

const svgNs = 'http://www.w3.org/2000/svg';

/**
 * Chips of the last redraw by pod, with what they showed: an unchanged pod keeps its element, so a
 * redraw during a rollout builds only the chips that changed (the browser restyles less, too).
 */
const chipCache = new WeakMap<HTMLElement, Map<string, { sig: string; el: HTMLElement }>>();
let drawing: { cache: Map<string, { sig: string; el: HTMLElement }>; used: Set<string> } | undefined;

function chip(p: PodView, fresh: boolean, showNamespace: boolean): HTMLElement {
  const sig = JSON.stringify([p, showNamespace]);
  const key = `${p.id}|${showNamespace}`;
  const hit = drawing?.cache.get(key);
  drawing?.used.add(key);
  if (hit && hit.sig === sig && !fresh) return hit.el;
  const el = buildChip(p, fresh, showNamespace);
  // A fresh chip animates once: the next redraw builds it again without the animation (a re-inserted element would replay it).
  if (fresh) drawing?.cache.delete(key);
  else drawing?.cache.set(key, { sig, el });
  return el;
}

function buildChip(p: PodView, fresh: boolean, showNamespace: boolean): HTMLElement {
  const state = podState(p);
  const name = showNamespace ? `${p.namespace}/${p.name}` : p.name;
  const el = h(
    'div',
    { class: `cm-pod${fresh ? ' cm-fresh' : ''}`, 'data-pod': p.id, 'data-name': p.name, 'data-state': state, title: `${p.namespace}/${p.name} — ${podStateText(p)}${p.ip ? ` · ${p.ip}` : ''}` },
    h('span', { class: 'cm-pod-name' }, name),
    h('span', { class: 'cm-pod-status' }, podStateText(p)),
  );
  if (p.reason) el.append(h('span', { class: 'cm-pod-reason' }, p.reason));
  return el;
}

function nodeColumn(n: NodeView, groups: { owner: Parameters<typeof ownerText>[0]; pods: PodView[] }[], isFresh: (id: string) => boolean, showNs: boolean): HTMLElement {
  const count = groups.reduce((a, g) => a + g.pods.length, 0);
  const badges = h(
    'p',
    { class: 'cm-badges' },
    h('span', { class: `cm-badge ${n.ready ? 'cm-ok' : 'cm-bad'}` }, n.ready ? 'Ready' : 'NotReady'),
    n.unschedulable ? h('span', { class: 'cm-badge cm-warn' }, 'Cordoned · SchedulingDisabled') : null,
    h('span', { class: 'cm-count' }, `${count} pod${count === 1 ? '' : 's'}`),
  );
  const labels = Object.entries(n.labels);
  const head = h(
    'header',
    { class: 'cm-node-head' },
    h('h3', { class: 'cm-node-name' }, n.name),
    badges,
    labels.length ? h('ul', { class: 'cm-tags cm-labels', 'aria-label': `Labels of ${n.name}` }, ...labels.map(([k, v]) => h('li', {}, v ? `${k}=${v}` : k))) : null,
    n.taints.length
      ? h('ul', { class: 'cm-tags cm-taints', 'aria-label': `Taints of ${n.name}` }, ...n.taints.map((t) => h('li', {}, `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`)))
      : null,
  );
  const body = h('div', { class: 'cm-node-pods' });
  if (groups.length === 0) body.append(h('p', { class: 'cm-empty' }, 'No pods'));
  for (const g of groups) {
    body.append(
      h(
        'div',
        { class: 'cm-group', 'data-owner': g.owner.key },
        h('p', { class: 'cm-group-title' }, showNs && g.pods[0] ? `${g.pods[0].namespace} · ${ownerText(g.owner)}` : ownerText(g.owner)),
        h('div', { class: 'cm-chips' }, ...g.pods.map((p) => chip(p, isFresh(p.id), false))),
      ),
    );
  }
  return h('section', { class: `cm-node${n.unschedulable ? ' cm-cordoned' : ''}${n.ready ? '' : ' cm-notready'}`, 'data-node': n.name, 'aria-label': `Node ${n.name}` }, head, body);
}

function serviceBox(s: ServiceView, ready: number, showNs: boolean): HTMLElement {
  const total = s.endpoints.length;
  return h(
    'div',
    { class: 'cm-svc', 'data-service': s.id, 'data-name': s.name },
    h('span', { class: 'cm-svc-name' }, `Service ${showNs ? `${s.namespace}/` : ''}${s.name}`),
    h('span', { class: 'cm-svc-detail' }, [s.type, s.clusterIP, s.ports].filter(Boolean).join(' · ')),
    h('span', { class: 'cm-svc-eps' }, total === 0 ? 'no endpoints' : `${ready} of ${total} endpoint${total === 1 ? '' : 's'} ready`),
  );
}

export function renderPicture(root: HTMLElement, pic: Picture, store: MapStore, isFresh: (id: string) => boolean, showNs: boolean): void {
  let cache = chipCache.get(root);
  if (!cache) chipCache.set(root, (cache = new Map()));
  drawing = { cache, used: new Set() };
  try {
    buildPicture(root, pic, store, isFresh, showNs);
  } finally {
    for (const k of [...cache.keys()]) if (!drawing.used.has(k)) cache.delete(k);
    drawing = undefined;
  }
}

function buildPicture(root: HTMLElement, pic: Picture, store: MapStore, isFresh: (id: string) => boolean, showNs: boolean): void {
  const lane = h(
    'section',
    { class: `cm-pending${pic.pending.length ? '' : ' cm-quiet'}`, 'aria-label': 'Pending pods' },
    h('h3', {}, `Pending — not scheduled (${pic.pending.length})`),
    pic.pending.length ? h('div', { class: 'cm-chips' }, ...pic.pending.map((p) => chip(p, isFresh(p.id), showNs))) : h('p', { class: 'cm-empty' }, 'Every pod is on a node.'),
  );
  const nodes = h('div', { class: 'cm-nodes' }, ...pic.nodes.map((n) => nodeColumn(n, pic.placed.get(n.name) ?? [], isFresh, showNs)));
  if (pic.nodes.length === 0) nodes.append(h('p', { class: 'cm-empty' }, 'No nodes yet.'));
  if (pic.orphans.length) {
    nodes.append(
      h('section', { class: 'cm-node cm-notready', 'aria-label': 'Pods on nodes that are gone' }, h('header', { class: 'cm-node-head' }, h('h3', { class: 'cm-node-name' }, 'Nodes that are gone')), h('div', { class: 'cm-chips' }, ...pic.orphans.map((p) => chip(p, false, showNs)))),
    );
  }
  const links: [string, string[]][] = pic.services.map((s) => [s.id, readyEndpointPods(s, store)]);
  const services = h(
    'section',
    { class: 'cm-services', 'aria-label': 'Services' },
    ...pic.services.map((s, i) => serviceBox(s, links[i]![1].length, showNs)),
  );
  if (pic.services.length === 0) services.append(h('p', { class: 'cm-empty' }, 'No Services.'));
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('class', 'cm-lines');
  svg.setAttribute('aria-hidden', 'true');
  root.replaceChildren(svg, lane, nodes, services);
  drawLines(root, links);
}

/** One curve from each Service box to each of its ready endpoints' chips (after layout). */
export function drawLines(root: HTMLElement, links?: [string, string[]][]): void {
  const svg = root.querySelector('svg.cm-lines');
  if (!svg) return;
  if (links) (svg as SVGElement & { _links?: [string, string[]][] })._links = links;
  const all = (svg as SVGElement & { _links?: [string, string[]][] })._links ?? [];
  const base = root.getBoundingClientRect();
  const ox = base.left - root.scrollLeft;
  const oy = base.top - root.scrollTop;
  svg.setAttribute('width', String(root.scrollWidth));
  svg.setAttribute('height', String(root.scrollHeight));
  const paths: SVGPathElement[] = [];
  for (const [svcId, pods] of all) {
    const box = root.querySelector(`.cm-svc[data-service="${CSS.escape(svcId)}"]`)?.getBoundingClientRect();
    if (!box) continue;
    const x1 = box.left + box.width / 2 - ox;
    const y1 = box.top - oy;
    for (const podId of pods) {
      const c = root.querySelector(`.cm-nodes .cm-pod[data-pod="${CSS.escape(podId)}"]`)?.getBoundingClientRect();
      if (!c) continue;
      const x2 = c.left + c.width / 2 - ox;
      const y2 = c.bottom - oy;
      const mid = (y1 + y2) / 2;
      const p = document.createElementNS(svgNs, 'path');
      p.setAttribute('d', `M${x1.toFixed(1)},${y1.toFixed(1)} C${x1.toFixed(1)},${mid.toFixed(1)} ${x2.toFixed(1)},${mid.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`);
      p.setAttribute('data-service', svcId);
      p.setAttribute('data-pod', podId);
      paths.push(p);
    }
  }
  svg.replaceChildren(...paths);
}
