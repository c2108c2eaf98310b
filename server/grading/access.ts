/** access checks: the API server's own authoriser answers, through SubjectAccessReview. */
import type { KubeReader } from './kube.js';
import type { AccessCheck } from './schema.js';
import { fillVariables, type GradingTarget } from './target.js';
import type { Verdict } from './result.js';
import { renderTemplate } from './cel.js';

interface Review {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

export interface Identity {
  user: string;
  groups: string[];
  /** How messages name it. */
  who: string;
}

/** The identity an access question is about: a user (with groups) or a ServiceAccount. */
export function identityOf(a: { user?: string; groups?: string[]; serviceAccount?: string }): Identity {
  if (a.serviceAccount) {
    const [ns, name] = a.serviceAccount.split('/') as [string, string];
    // The groups a ServiceAccount's token carries, so group bindings count as they would for real.
    return { user: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], who: `ServiceAccount ${name} (namespace ${ns})` };
  }
  return { user: a.user!, groups: a.groups ?? ['system:authenticated'], who: `user ${a.user!}` };
}

export interface ResourceQuestion {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The API server's answer to "may this identity do that?". */
export async function reviewAccess(client: KubeReader, id: Identity, q: ResourceQuestion): Promise<boolean> {
  const review = await client.create<Review>('authorization.k8s.io/v1', 'SubjectAccessReview', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: id.user, groups: id.groups, resourceAttributes: q },
  });
  return review.status?.allowed === true;
}

export async function evaluateAccess(client: KubeReader, check: AccessCheck, t: GradingTarget): Promise<Verdict> {
  const a = check.access;
  const id = identityOf(a);
  const who = id.who;
  const namespace = a.namespace !== undefined ? fillVariables(a.namespace, t) : undefined;
  const verbs = a.verbs ?? [a.verb!];
  const answers = await Promise.all(
    verbs.map(async (verb) => ({ verb, allowed: await reviewAccess(client, id, { verb, resource: a.resource, group: a.group, subresource: a.subresource, namespace, name: a.name }) })),
  );
  const wrong = answers.filter((x) => x.allowed !== check.allowed);
  const what = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.name ? ` ${a.name}` : ''}${namespace ? ` in namespace ${namespace}` : ' cluster-wide'}`;
  const bindings = { who, verbs: wrong.map((x) => x.verb), resource: a.resource, namespace: namespace ?? '' };
  if (wrong.length === 0) return { passed: true, message: check.passMessage ? renderTemplate(check.passMessage, bindings) : check.title };
  if (check.message) return { passed: false, message: renderTemplate(check.message, bindings) };
  const list = wrong.map((x) => x.verb).join(', ');
  return {
    passed: false,
    message: check.allowed
      ? `${who} may not ${list} ${what}, expected it may`
      : `${who} may ${list} ${what}, expected it may not`,
  };
}
