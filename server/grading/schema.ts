/**
 * The check model as authors write it in exercise.yaml, parsed with zod (unknown fields rejected).
 * A check's kind is named by the one key that selects it: get, list, access, kubeconfig or script.
 * CEL in `expect` and in `{{ }}` message placeholders is compiled here, so a typo is a lint
 * problem with a line number, never a failure in front of a learner.
 */
import { z } from 'zod';
import { compileProblem, templateProblems } from './cel.js';

export const checkKinds = ['get', 'list', 'access', 'accessOnly', 'kubeconfig', 'script', 'dryRun', 'probePod', 'networkPolicy', 'steady'] as const;
export type CheckKind = (typeof checkKinds)[number];

/** Lab variables a check's get/list fields may use as {{name}}: lab, namespace, worker1, worker2, … */
export const labVariablePattern = /^(lab|namespace|worker[1-9][0-9]?)$/;

const name = z.string().min(1);
/** A field that may hold lab variables, e.g. "spec.nodeName={{worker1}}". */
const templated = z.string().min(1).superRefine((s, ctx) => {
  for (const m of s.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!labVariablePattern.test(m[1]!)) ctx.addIssue({ code: 'custom', message: `unknown lab variable {{${m[1]}}}: use lab, namespace, worker1, worker2, …` });
  }
});

const cel = (variables: string) =>
  z.string().min(1).superRefine((expr, ctx) => {
    const problem = compileProblem(expr);
    if (problem) ctx.addIssue({ code: 'custom', message: `CEL does not compile: ${problem} (variables here: ${variables})` });
  });

const messageTemplate = z.string().min(1).superRefine((t, ctx) => {
  for (const p of templateProblems(t)) ctx.addIssue({ code: 'custom', message: p });
});

const common = {
  title: z.string().min(1),
  points: z.number().int().min(0).max(100).default(1),
  hint: z.string().min(1).optional(),
  /** The part of a larger exercise this check grades (a capstone's "Web tier"): results show each part as a heading over its checks. */
  part: z.string().trim().min(1).max(60).optional(),
  /** Failure message; {{ cel }} placeholders are filled from the evaluated state. */
  message: messageTemplate.optional(),
  /** Message when the check passes; the title when absent. */
  passMessage: messageTemplate.optional(),
};

const objectRef = z
  .object({ apiVersion: name, kind: name, namespace: templated.optional(), name: templated })
  .strict();

const ownerRef = z.object({ kind: z.enum(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']), name: templated }).strict();

const listQuery = z
  .object({
    apiVersion: name,
    kind: name,
    namespace: templated.optional(),
    labelSelector: templated.optional(),
    fieldSelector: templated.optional(),
    /** Only objects controlled (directly, or through a ReplicaSet for a Deployment) by this owner. */
    ownedBy: ownerRef.optional(),
  })
  .strict();

/** More state a check's CEL may read, each bound to a variable: `with: { nodes: { list: {...} } }`. */
const extraQueries = z.record(
  z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a variable name: letters and digits, starting lowercase').refine((v) => !['object', 'objects', 'context', 'lab', 'namespace', 'workers'].includes(v) && !/^worker\d+$/.test(v), 'that name is taken by a built-in variable'),
  z.union([z.object({ get: objectRef }).strict(), z.object({ list: listQuery }).strict()]),
);

const getCheck = z.object({ ...common, get: objectRef, with: extraQueries.optional(), expect: cel('object, lab variables').optional() }).strict();
const listCheck = z.object({ ...common, list: listQuery, with: extraQueries.optional(), expect: cel('objects, lab variables') }).strict();

const accessQuery = z
  .object({
    /** A user name, e.g. jane; or use serviceAccount. */
    user: name.optional(),
    groups: z.array(name).optional(),
    /** namespace/name of a ServiceAccount; it is asked about as system:serviceaccount:<namespace>:<name>. */
    serviceAccount: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'write a ServiceAccount as namespace/name').optional(),
    verb: name.optional(),
    /** Several verbs: the check passes only if the answer is as expected for every one. */
    verbs: z.array(name).min(1).optional(),
    resource: name,
    group: z.string().default(''),
    subresource: name.optional(),
    namespace: templated.optional(),
    name: name.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.user === !a.serviceAccount) ctx.addIssue({ code: 'custom', message: 'name exactly one of user or serviceAccount' });
    if (!a.verb === !a.verbs) ctx.addIssue({ code: 'custom', message: 'name exactly one of verb or verbs' });
  });

const accessCheck = z.object({ ...common, access: accessQuery, allowed: z.boolean() }).strict();

/** One right an accessOnly check grants; without a namespace it counts in every namespace and cluster-wide. */
const accessGrant = z
  .object({ verbs: z.array(name).min(1), resource: name, group: z.string().default(''), subresource: name.optional(), namespace: templated.optional() })
  .strict();

const accessOnlyQuery = z
  .object({
    user: name.optional(),
    groups: z.array(name).optional(),
    serviceAccount: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'write a ServiceAccount as namespace/name').optional(),
    /** The rights the identity may have; anything else the API server allows it fails the check. */
    allow: z.array(accessGrant).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.user === !a.serviceAccount) ctx.addIssue({ code: 'custom', message: 'name exactly one of user or serviceAccount' });
  });

const accessOnlyCheck = z.object({ ...common, accessOnly: accessOnlyQuery }).strict();

const kubeconfigCheck = z
  .object({ ...common, kubeconfig: z.literal('learner'), expect: cel('context (name, namespace, namespaceSet, cluster, user, contexts, labContext), lab variables') })
  .strict();

const scriptCheck = z
  .object({
    ...common,
    /** An executable in the exercise folder, run with argv only (no shell) outside the learner's jail. */
    script: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'a script is a relative path inside the exercise folder'),
    args: z.array(z.string()).default([]),
    timeoutSeconds: z.number().positive().max(120).default(10),
  })
  .strict();

/** What a dryRun and a probePod check send (server/grading/probe.ts). */
export const dryRunQuery = z
  .object({
    /** The whole object to send, as a manifest would write it (apiVersion, kind, metadata, …). */
    object: z
      .object({ apiVersion: z.string().min(1), kind: z.string().min(1), metadata: z.object({ name: z.string().min(1), namespace: templated.optional() }).passthrough() })
      .passthrough(),
  })
  .strict();

export const probePodQuery = z
  .object({
    namespace: templated.default('default'),
    /** The probe Pod's nodeSelector, e.g. {kubelab.io/worker: "1"}. */
    nodeSelector: z.record(z.string()).optional(),
    /** The node it must land on (lab variables allowed: "{{worker1}}"). */
    node: templated.optional(),
    timeoutSeconds: z.number().positive().max(30).default(8),
  })
  .strict();

export type DryRunQuery = z.output<typeof dryRunQuery>;
export type ProbePodQuery = z.output<typeof probePodQuery>;

/** The flows a networkPolicy check judges (server/grading/network-policy.ts). */
const pairKey = /^[a-z][a-z0-9-]*:[0-9]{1,5}$/;

export const networkPolicyQuery = z
  .object({
    namespace: z.string().min(1),
    /** Named pods of the namespace, each by label selector: {web: "app=web", …}. */
    pods: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.string().min(1)),
    /** Also judge sources in another namespace (named "outsider" in `allow`). */
    outsider: z.boolean().default(true),
    /** "pod:port" → the sources that may connect (TCP); every other listed source must be refused. */
    allow: z.record(z.string().regex(pairKey, 'a destination is written pod:port, e.g. api:8080'), z.array(z.string().min(1))),
  })
  .strict()
  .superRefine((q, ctx) => {
    const known = new Set([...Object.keys(q.pods), ...(q.outsider ? ['outsider'] : [])]);
    for (const [dest, sources] of Object.entries(q.allow)) {
      if (!(dest.split(':')[0]! in q.pods)) ctx.addIssue({ code: 'custom', path: ['allow', dest], message: `${dest} names no pod of pods:` });
      for (const s of sources) if (!known.has(s)) ctx.addIssue({ code: 'custom', path: ['allow', dest], message: `source ${s} is not one of ${[...known].join(', ')}` });
    }
  });

export type NetworkPolicyQuery = z.output<typeof networkPolicyQuery>;

/** Server-side probes with the admin credential (server/grading/probe.ts). */
const dryRunCheck = z.object({ ...common, dryRun: dryRunQuery, allowed: z.boolean() }).strict();
const probePodCheck = z.object({ ...common, probePod: probePodQuery }).strict();
/** NetworkPolicies evaluated pair by pair (server/grading/network-policy.ts). */
const networkPolicyCheck = z.object({ ...common, networkPolicy: networkPolicyQuery }).strict();
/** An observation window (server/grading/steady.ts): `value` must not change over `seconds`. */
const steadyCheck = z
  .object({ ...common, steady: listQuery, value: cel('objects, lab variables'), seconds: z.number().int().min(1).max(90), expect: cel('objects, before, after, lab variables').optional() })
  .strict();

const byKind = {
  get: getCheck,
  list: listCheck,
  access: accessCheck,
  accessOnly: accessOnlyCheck,
  kubeconfig: kubeconfigCheck,
  script: scriptCheck,
  dryRun: dryRunCheck,
  probePod: probePodCheck,
  networkPolicy: networkPolicyCheck,
  steady: steadyCheck,
} as const;

export type GetCheck = z.output<typeof getCheck>;
export type ListCheck = z.output<typeof listCheck>;
export type AccessCheck = z.output<typeof accessCheck>;
export type AccessOnlyCheck = z.output<typeof accessOnlyCheck>;
export type KubeconfigCheck = z.output<typeof kubeconfigCheck>;
export type ScriptCheck = z.output<typeof scriptCheck>;
export type DryRunCheck = z.output<typeof dryRunCheck>;
export type ProbePodCheck = z.output<typeof probePodCheck>;
export type NetworkPolicyCheck = z.output<typeof networkPolicyCheck>;
export type SteadyCheck = z.output<typeof steadyCheck>;
export type Check = GetCheck | ListCheck | AccessCheck | AccessOnlyCheck | KubeconfigCheck | ScriptCheck | DryRunCheck | ProbePodCheck | NetworkPolicyCheck | SteadyCheck;
export type ObjectRef = z.output<typeof objectRef>;
export type ListQuery = z.output<typeof listQuery>;

export function kindOf(check: Check): CheckKind {
  if ('get' in check) return 'get';
  if ('list' in check) return 'list';
  if ('access' in check) return 'access';
  if ('accessOnly' in check) return 'accessOnly';
  if ('kubeconfig' in check) return 'kubeconfig';
  if ('dryRun' in check) return 'dryRun';
  if ('probePod' in check) return 'probePod';
  if ('networkPolicy' in check) return 'networkPolicy';
  if ('steady' in check) return 'steady';
  return 'script';
}

const knownKeys = new Set(['title', 'points', 'hint', 'part', 'message', 'passMessage', 'expect', 'allowed', 'args', 'timeoutSeconds', 'with', 'value', 'seconds', ...checkKinds]);

/**
 * One check: the kind is picked by its key, then that kind's strict schema applies, so an error
 * says "unknown check type exec" rather than five failed union branches.
 */
export const checkSchema: z.ZodType<Check, z.ZodTypeDef, unknown> = z.unknown().transform((raw, ctx): Check => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    ctx.addIssue({ code: 'custom', message: `a check is a mapping with a title and one of: ${checkKinds.join(', ')}` });
    return z.NEVER;
  }
  const kinds = checkKinds.filter((k) => k in raw);
  if (kinds.length !== 1) {
    const strangers = Object.keys(raw).filter((k) => !knownKeys.has(k));
    const message =
      kinds.length > 1
        ? `a check has exactly one type, this one has ${kinds.join(' and ')}`
        : strangers.length
          ? `unknown check type "${strangers[0]}": use one of ${checkKinds.join(', ')}`
          : `the check has no type: add one of ${checkKinds.join(', ')}`;
    ctx.addIssue({ code: 'custom', message, path: strangers.length && !kinds.length ? [strangers[0]!] : [] });
    return z.NEVER;
  }
  const parsed = byKind[kinds[0]!].safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // Re-raised as custom issues; keep what the original said (an unknown key points at that key).
      if (issue.code === 'unrecognized_keys') ctx.addIssue({ code: 'custom', path: [...issue.path, issue.keys[0]!], message: `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` });
      else if (issue.code === 'invalid_type' && issue.received === 'undefined') ctx.addIssue({ code: 'custom', path: issue.path, message: 'is required' });
      else ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    return z.NEVER;
  }
  return parsed.data;
});
