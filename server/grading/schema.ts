/**
 * The check model as authors write it in exercise.yaml, parsed with zod (unknown fields rejected).
 * A check's kind is named by the one key that selects it: get, list, access, kubeconfig or script.
 * CEL in `expect` and in `{{ }}` message placeholders is compiled here, so a typo is a lint
 * problem with a line number, never a failure in front of a learner.
 */
import { z } from 'zod';
import { compileProblem, templateProblems } from './cel.js';

export const checkKinds = ['get', 'list', 'access', 'kubeconfig', 'script'] as const;
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

const kubeconfigCheck = z
  .object({ ...common, kubeconfig: z.literal('learner'), expect: cel('context (name, namespace, namespaceSet, cluster, user), lab variables') })
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

const byKind = { get: getCheck, list: listCheck, access: accessCheck, kubeconfig: kubeconfigCheck, script: scriptCheck } as const;

export type GetCheck = z.output<typeof getCheck>;
export type ListCheck = z.output<typeof listCheck>;
export type AccessCheck = z.output<typeof accessCheck>;
export type KubeconfigCheck = z.output<typeof kubeconfigCheck>;
export type ScriptCheck = z.output<typeof scriptCheck>;
export type Check = GetCheck | ListCheck | AccessCheck | KubeconfigCheck | ScriptCheck;
export type ObjectRef = z.output<typeof objectRef>;
export type ListQuery = z.output<typeof listQuery>;

export function kindOf(check: Check): CheckKind {
  if ('get' in check) return 'get';
  if ('list' in check) return 'list';
  if ('access' in check) return 'access';
  if ('kubeconfig' in check) return 'kubeconfig';
  return 'script';
}

const knownKeys = new Set(['title', 'points', 'hint', 'message', 'passMessage', 'expect', 'allowed', 'args', 'timeoutSeconds', 'with', ...checkKinds]);

/**
 * One check: the kind is picked by its key, then that kind's strict schema applies, so an error
 * says "unknown check type exec" rather than five failed union branches.
 */
export const checkSchema: z.ZodType<Check, z.ZodTypeDef, unknown> = z.unknown().transform((raw, ctx): Check => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    ctx.addIssue({ code: 'custom', message: 'a check is a mapping with a title and one of: get, list, access, kubeconfig, script' });
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
