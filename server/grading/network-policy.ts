/**
 * networkPolicy checks: the NetworkPolicies of a namespace, evaluated as Kubernetes defines them
 * (not as one policy is usually written), for every source × destination pair the check names.
 *
 * - A pod no ingress policy selects admits everything. A pod that any policy with Ingress in its
 *   policyTypes selects admits only the union of those policies' ingress rules.
 * - A rule admits a connection when one of its ports matches (none listed: every port; a named
 *   port is resolved against the destination pod's container ports; endPort makes a range) and
 *   one of its peers matches (none listed: every source). A podSelector peer alone means pods of
 *   the policy's own namespace; a namespaceSelector alone, every pod of the matching namespaces;
 *   both, the matching pods of the matching namespaces; an ipBlock, the source's IP (minus except).
 *
 * Sources and destinations are real pods found by label selector; "outsider" adds pods of a
 * namespace that does not exist, with each of the named pods' labels and with none, so a policy
 * that trusts labels but forgets namespaces is caught. Egress is not judged.
 */
import { renderTemplate } from './cel.js';
import type { KubeObject, KubeReader } from './kube.js';
import type { Verdict } from './result.js';
import type { NetworkPolicyQuery } from './schema.js';
import { selectorMatches } from './selectors.js';
import { fillVariables, labBindings, type GradingTarget } from './target.js';


type Labels = Record<string, string>;

export interface Endpoint {
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
  ip?: string;
  /** Container ports, for named ports: name → {port, protocol}. */
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

interface Peer {
  podSelector?: unknown;
  namespaceSelector?: unknown;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface Policy {
  metadata?: { namespace?: string };
  spec?: { podSelector?: unknown; policyTypes?: string[]; ingress?: { from?: Peer[]; ports?: PolicyPort[] }[]; egress?: unknown[] };
}

function ipv4(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** IPv4 CIDR membership; an IPv6 block never matches an IPv4 source (and vice versa). */
export function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const a = ipv4(ip);
  const n = ipv4(net ?? '');
  const bits = Number(bitsText ?? '32');
  if (a === undefined || n === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((n & mask) >>> 0);
}

/** A missing selector matches nothing here (the caller decides what absence means); {} matches all. */
const matches = (selector: unknown, labels: Labels) => selectorMatches(selector ?? {}, labels) === true;

function peerAdmits(peer: Peer, policyNamespace: string, src: Endpoint): boolean {
  if (peer.ipBlock) {
    if (!src.ip || !inCidr(src.ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((e) => inCidr(src.ip!, e));
  }
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined) return false; // not a valid peer
  const nsOk = peer.namespaceSelector !== undefined ? matches(peer.namespaceSelector, src.namespaceLabels) : src.namespace === policyNamespace;
  const podOk = peer.podSelector !== undefined ? matches(peer.podSelector, src.labels) : true;
  return nsOk && podOk;
}

function portAdmits(p: PolicyPort, port: number, dst: Endpoint): boolean {
  if ((p.protocol ?? 'TCP') !== 'TCP') return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'number') return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  return (dst.ports ?? []).some((c) => c.name === p.port && (c.protocol ?? 'TCP') === 'TCP' && c.containerPort === port);
}

function affectsIngress(p: Policy): boolean {
  const types = p.spec?.policyTypes;
  return types && types.length > 0 ? types.includes('Ingress') : true;
}

/** Whether the policies (of any namespaces; only the destination's count) admit src → dst:port over TCP. */
export function admits(policies: Policy[], src: Endpoint, dst: Endpoint, port: number): boolean {
  const selecting = policies.filter((p) => (p.metadata?.namespace ?? '') === dst.namespace && affectsIngress(p) && matches(p.spec?.podSelector, dst.labels));
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (p.spec?.ingress ?? []).some((rule) => {
      const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((pp) => portAdmits(pp, port, dst));
      const peerOk = !rule.from || rule.from.length === 0 || rule.from.some((peer) => peerAdmits(peer, dst.namespace, src));
      return portOk && peerOk;
    }),
  );
}

function endpointOf(pod: KubeObject, namespaceLabels: Labels): Endpoint {
  const spec = (pod.spec ?? {}) as { containers?: { ports?: Endpoint['ports'] }[] };
  return {
    namespace: pod.metadata?.namespace ?? '',
    namespaceLabels,
    labels: pod.metadata?.labels ?? {},
    ip: ((pod.status ?? {}) as { podIP?: string }).podIP,
    ports: (spec.containers ?? []).flatMap((c) => c.ports ?? []),
  };
}

export async function evaluateNetworkPolicy(
  client: KubeReader,
  check: { title: string; message?: string; passMessage?: string; networkPolicy: NetworkPolicyQuery },
  t: GradingTarget,
): Promise<Verdict> {
  const q = check.networkPolicy;
  const namespace = fillVariables(q.namespace, t);
  const ns = await client.get('v1', 'Namespace', namespace);
  if (!ns) return { passed: false, message: `namespace ${namespace} does not exist` };
  const nsLabels = ns.metadata?.labels ?? {};
  const [{ items: policies }, ...found] = await Promise.all([
    client.list('networking.k8s.io/v1', 'NetworkPolicy', { namespace }),
    ...Object.values(q.pods).map((sel) => client.list('v1', 'Pod', { namespace, labelSelector: sel })),
  ]);
  const named = new Map<string, Endpoint>();
  const names = Object.keys(q.pods);
  for (const [i, name] of names.entries()) {
    const pod = found[i]!.items.find((p) => !p.metadata || !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
    if (!pod) return { passed: false, message: `no pod in ${namespace} matches ${q.pods[name]} (the ${name} pods), so its traffic cannot be judged` };
    named.set(name, endpointOf(pod, nsLabels));
  }
  // Pods of a namespace that is not this one, wearing each named pod's labels, and none.
  const elsewhere = 'kubelab-elsewhere';
  const outsiders: Endpoint[] = q.outsider
    ? [...[...named.values()].map((e) => e.labels), {}].map((labels) => ({ namespace: elsewhere, namespaceLabels: { 'kubernetes.io/metadata.name': elsewhere }, labels, ip: '192.0.2.10' }))
    : [];
  const sources: [string, Endpoint[]][] = [...names.map((n): [string, Endpoint[]] => [n, [named.get(n)!]]), ...(q.outsider ? [['outsider', outsiders] as [string, Endpoint[]]] : [])];

  const wrong: string[] = [];
  for (const [dest, allowed] of Object.entries(q.allow)) {
    const [podName, portText] = dest.split(':') as [string, string];
    const dst = named.get(podName)!;
    for (const [srcName, eps] of sources) {
      const expected = allowed.includes(srcName);
      // An outsider is admitted if any of its label variants is: the policy must not trust labels alone.
      const observed = eps.some((src) => admits(policies as Policy[], src, dst, Number(portText)));
      if (observed !== expected) {
        const who = srcName === 'outsider' ? 'a pod in another namespace' : `${srcName} pods`;
        wrong.push(`${podName} on TCP ${portText} from ${who}: ${observed ? 'allowed' : 'denied'}, expected ${expected ? 'allowed' : 'denied'}`);
      }
    }
  }
  const bindings = { ...labBindings(t), wrong, policies: policies.map((p) => p.metadata?.name ?? '') };
  if (wrong.length === 0) return { passed: true, message: check.passMessage ? renderTemplate(check.passMessage, bindings) : check.title };
  if (check.message) return { passed: false, message: renderTemplate(check.message, bindings) };
  const counted = policies.length === 1 ? 'the 1 NetworkPolicy' : `the ${policies.length} NetworkPolicies`;
  return { passed: false, message: `with ${counted} in ${namespace}: ${wrong.join('; ')}` };
}
