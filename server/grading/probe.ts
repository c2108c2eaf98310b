/**
 * Checks that must ask the API server to act in order to judge, with the lab's admin credential
 * (the grader's is read-only), on the server side, out of the learner's reach:
 *
 *   dryRun     send an object with dryRun=All and see whether validation and admission accept it
 *              (CRD schemas, ValidatingAdmissionPolicies, Pod Security Admission). Nothing is stored.
 *   probePod   create a plain Pod, see whether the scheduler places it where expected, delete it
 *              (a dry run never reaches the scheduler).
 */
import { randomBytes } from 'node:crypto';
import { renderTemplate } from './cel.js';
import { clientFor, type KubeClient, type KubeObject } from './kube.js';
import type { Verdict } from './result.js';
import type { DryRunQuery, ProbePodQuery } from './schema.js';
import { fillVariables, labBindings, type GradingTarget } from './target.js';


interface ProbeCheck {
  title: string;
  message?: string;
  passMessage?: string;
}

function adminClient(t: GradingTarget): Promise<KubeClient> {
  if (!t.admin) throw new Error('this lab offers no admin credential, which server-side probes need');
  return clientFor(t.admin);
}

/**
 * The collection URL of a kind, discovered afresh: a CustomResourceDefinition the learner just
 * created or renamed must be seen now, not as an earlier discovery cached it.
 */
async function freshCollection(client: KubeClient, apiVersion: string, kind: string, namespace?: string): Promise<string | { missing: string }> {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const r = await client.request<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>('GET', base);
  const found = r.status < 400 ? r.body?.resources?.find((x) => x.kind === kind && !x.name.includes('/')) : undefined;
  if (!found) return { missing: `the API server serves no kind ${kind} in ${apiVersion}` };
  return found.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace ?? 'default')}/${found.name}` : `${base}/${found.name}`;
}

function verdict(check: ProbeCheck, passed: boolean, observed: string, expected: string, t: GradingTarget, bindings: Record<string, unknown>): Verdict {
  const all = { ...labBindings(t), ...bindings };
  if (passed) return { passed, message: check.passMessage ? renderTemplate(check.passMessage, all) : check.title };
  return { passed, message: check.message ? renderTemplate(check.message, all) : `${observed}, expected ${expected}` };
}

export async function evaluateDryRun(check: ProbeCheck & { dryRun: DryRunQuery; allowed: boolean }, t: GradingTarget): Promise<Verdict> {
  const client = await adminClient(t);
  const object = structuredClone(check.dryRun.object) as KubeObject & { apiVersion: string; kind: string; metadata: { namespace?: string } };
  if (object.metadata.namespace) object.metadata.namespace = fillVariables(object.metadata.namespace, t);
  const path = await freshCollection(client, object.apiVersion, object.kind, object.metadata.namespace);
  if (typeof path !== 'string') return verdict(check, false, path.missing, check.allowed ? 'it to accept the object' : 'it to refuse the object', t, { allowed: false, reason: path.missing });
  // dryRun=All: every stage runs (defaulting, validation, admission) and nothing is persisted.
  const r = await client.request<{ message?: string }>('POST', `${path}?dryRun=All`, object);
  const allowed = r.status < 300;
  const reason = allowed ? '' : (r.body?.message ?? `HTTP ${r.status}`);
  const observed = allowed ? 'the API server accepted it (server-side dry run)' : `the API server refused it: ${reason}`;
  return verdict(check, allowed === check.allowed, observed, check.allowed ? 'accepted' : 'refused', t, { allowed, reason });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function evaluateProbePod(check: ProbeCheck & { probePod: ProbePodQuery }, t: GradingTarget): Promise<Verdict> {
  const client = await adminClient(t);
  const q = check.probePod;
  const namespace = fillVariables(q.namespace, t);
  const node = q.node && fillVariables(q.node, t);
  const name = `kubelab-probe-${randomBytes(4).toString('hex')}`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { 'kubelab.io/probe': 'true' } },
    spec: {
      nodeSelector: q.nodeSelector,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'probe', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '1m', memory: '4Mi' } } }],
    },
  };
  const where = q.nodeSelector ? ` with nodeSelector ${Object.entries(q.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',')}` : '';
  const created = await client.request<{ message?: string }>('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, pod);
  if (created.status >= 300) return verdict(check, false, `a probe Pod${where} could not be created: ${created.body?.message ?? created.status}`, 'it to be scheduled', t, { nodeName: '', reason: '' });
  let nodeName = '';
  let reason = '';
  try {
    const deadline = Date.now() + q.timeoutSeconds * 1000;
    while (Date.now() < deadline) {
      const got = await client.get('v1', 'Pod', name, namespace);
      const spec = (got?.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) {
        nodeName = spec.nodeName;
        break;
      }
      const conditions = ((got?.status ?? {}) as { conditions?: { type: string; message?: string }[] }).conditions ?? [];
      reason = conditions.find((c) => c.type === 'PodScheduled')?.message ?? reason;
      await sleep(250);
    }
  } finally {
    await client.request('DELETE', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${name}?gracePeriodSeconds=0`).catch(() => undefined);
  }
  const expected = `a probe Pod${where} to be scheduled${node ? ` on ${node}` : ''}`;
  if (!nodeName) {
    return verdict(check, false, `a probe Pod${where} stayed Pending for ${q.timeoutSeconds} s${reason ? ` (scheduler: ${reason})` : ''}`, expected, t, { nodeName, reason });
  }
  return verdict(check, !node || nodeName === node, `a probe Pod${where} was scheduled on ${nodeName}`, expected, t, { nodeName, reason });
}
