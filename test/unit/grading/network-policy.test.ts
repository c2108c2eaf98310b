/** NetworkPolicy evaluation as Kubernetes defines it: union of policies, peers, ports, policyTypes. */
import { describe, expect, it } from 'vitest';
import { admits, inCidr, type Endpoint } from '../../../server/grading/network-policy.js';

const shop = { 'kubernetes.io/metadata.name': 'shop' };
const pod = (app: string, port: number, namespace = 'shop', ip = '10.0.0.9'): Endpoint => ({
  namespace,
  namespaceLabels: namespace === 'shop' ? shop : { 'kubernetes.io/metadata.name': namespace },
  labels: { app },
  ip,
  ports: [{ name: 'http', containerPort: port }],
});
const web = pod('web', 80);
const api = pod('api', 8080);
const db = pod('db', 5432);
const foreignWeb = pod('web', 80, 'other', '192.0.2.1');

const policy = (spec: Record<string, unknown>, namespace = 'shop') => ({ metadata: { namespace }, spec });
const denyAll = policy({ podSelector: {}, policyTypes: ['Ingress'] });

describe('NetworkPolicy evaluation', () => {
  it('admits everything to a pod no policy selects', () => {
    expect(admits([], foreignWeb, db, 5432)).toBe(true);
    expect(admits([policy({ podSelector: { matchLabels: { app: 'web' } }, ingress: [] })], foreignWeb, db, 5432)).toBe(true);
  });

  it('denies all to a selected pod with no rules, and a policy elsewhere does not count', () => {
    expect(admits([denyAll], api, db, 5432)).toBe(false);
    expect(admits([policy({ podSelector: {}, policyTypes: ['Ingress'] }, 'other')], api, db, 5432)).toBe(true);
  });

  it('a podSelector peer alone means pods of the policy namespace only', () => {
    const p = policy({ podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] });
    expect(admits([p], web, api, 8080)).toBe(true);
    expect(admits([p], foreignWeb, api, 8080)).toBe(false);
    expect(admits([p], db, api, 8080)).toBe(false);
    expect(admits([p], web, api, 9090)).toBe(false);
  });

  it('namespaceSelector and podSelector in one peer are ANDed; in two peers ORed', () => {
    const and = policy({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }] }] });
    const or = policy({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(admits([and], foreignWeb, db, 5432)).toBe(true);
    expect(admits([and], api, db, 5432)).toBe(false);
    expect(admits([or], api, db, 5432)).toBe(true);
  });

  it('the union of every policy that selects the pod', () => {
    const fromWeb = policy({ podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    const fromDb = policy({ podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' } } }] }] });
    expect(admits([denyAll, fromWeb, fromDb], db, api, 8080)).toBe(true);
    expect(admits([denyAll, fromWeb], db, api, 8080)).toBe(false);
  });

  it('an Egress-only policy does not restrict ingress; policyTypes unset means Ingress', () => {
    expect(admits([policy({ podSelector: {}, policyTypes: ['Egress'] })], api, db, 5432)).toBe(true);
    expect(admits([policy({ podSelector: {}, egress: [{}] })], api, db, 5432)).toBe(false);
  });

  it('ports: none means all, named ports resolve on the destination, endPort is a range, UDP is not TCP', () => {
    const rule = (ports: unknown[]) => policy({ podSelector: {}, ingress: [{ ports }] });
    expect(admits([policy({ podSelector: {}, ingress: [{}] })], foreignWeb, web, 80)).toBe(true);
    expect(admits([rule([{ port: 'http' }])], foreignWeb, web, 80)).toBe(true);
    expect(admits([rule([{ port: 'metrics' }])], foreignWeb, web, 80)).toBe(false);
    expect(admits([rule([{ port: 8000, endPort: 8100 }])], web, api, 8080)).toBe(true);
    expect(admits([rule([{ port: 80, protocol: 'UDP' }])], api, web, 80)).toBe(false);
  });

  it('ipBlock matches the source IP, minus except', () => {
    const p = policy({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['192.0.2.0/24'] } }] }] });
    expect(admits([p], web, db, 5432)).toBe(true);
    expect(admits([p], foreignWeb, db, 5432)).toBe(false);
    expect(inCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inCidr('10.1.2.3', '::/0')).toBe(false);
  });
});
