/**
 * The one place kubeconfigs are read and edited.
 *
 * Kubeconfigs kubelab wrote or a provider made (admin, learner, grader; the instructor's cluster)
 * go through @kubernetes/client-node's kubeconfig model: the same parsing and validation its
 * KubeConfig.loadFromString applies (clusters, users and contexts read by the library's own
 * functions), and its KubeConfig for connecting (connectionOf, the grader's client). Entries it
 * cannot use (a context without a cluster, a cluster without a server) are left out, as kubectl
 * cannot use them either. Reading and editing load only the library's small kubeconfig module
 * (tens of milliseconds); the whole library takes seconds to import, so only connecting loads it,
 * and both are loaded on first use.
 *
 * The learner's own copy, which their shell edits, is different: it is learner-controlled, and
 * the library reads a user's `token-file` from disk while parsing (a learner could name
 * /dev/zero). `learnerContextOf` reads it as plain YAML data and never follows a path in it;
 * `readLearnerContext` reads the file so, bounded in size and parsed off the main thread.
 */
import { parse, stringify } from 'yaml';
import type { Cluster, ConfigOptions, Context, User } from '@kubernetes/client-node';
import { SandboxError } from './provider.js';
import { readUntrustedContexts, type ContextsDoc } from './kubeconfig/untrusted.js';

type ConfigTypes = typeof import('@kubernetes/client-node/dist/config_types.js');
let model: Promise<ConfigTypes> | undefined;
let library: Promise<typeof import('@kubernetes/client-node')> | undefined;
const lenient: Partial<ConfigOptions> = { onInvalidEntry: 'filter' };

interface Kubeconfig {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext?: string;
}

async function load(yamlText: string, what = 'the kubeconfig'): Promise<Kubeconfig> {
  const { newClusters, newContexts, newUsers } = await (model ??= import('@kubernetes/client-node/dist/config_types.js'));
  try {
    const doc = (parse(yamlText) ?? {}) as Record<string, unknown>;
    return {
      clusters: newClusters(doc.clusters, lenient),
      users: newUsers(doc.users, lenient),
      contexts: newContexts(doc.contexts, lenient),
      currentContext: typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined,
    };
  } catch (err) {
    throw new SandboxError(`cannot read ${what}: ${(err as Error).message}`);
  }
}

/** The kubeconfig as YAML again, as the library exports it, without the empty fields it adds. */
async function exported(kc: Kubeconfig): Promise<string> {
  const { exportCluster, exportContext, exportUser } = await (model ??= import('@kubernetes/client-node/dist/config_types.js'));
  const contexts = kc.contexts.map((c) => {
    const e = exportContext(c) as { name: string; context: Record<string, unknown> };
    const { name: _repeated, ...context } = e.context; // the library repeats the name inside the context
    return { name: e.name, context };
  });
  const doc = { apiVersion: 'v1', kind: 'Config', clusters: kc.clusters.map(exportCluster), users: kc.users.map(exportUser), contexts, preferences: {}, 'current-context': kc.currentContext };
  return stringify(withoutEmpty(doc));
}

function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmpty);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, withoutEmpty(x)]));
  return v;
}

function currentCluster(kc: Kubeconfig): Cluster | undefined {
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext) ?? kc.contexts[0];
  return (ctx && kc.clusters.find((c) => c.name === ctx.cluster)) ?? kc.clusters[0];
}

/** The server URL and CA (PEM) of a kubeconfig's current context (else its first cluster). */
export async function clusterOf(kubeconfigYaml: string): Promise<{ server: string; caPem?: string; insecure: boolean }> {
  const cluster = currentCluster(await load(kubeconfigYaml));
  if (!cluster?.server) throw new SandboxError('the kubeconfig names no cluster server');
  return {
    server: cluster.server,
    caPem: cluster.caData ? Buffer.from(cluster.caData, 'base64').toString('utf8') : undefined,
    insecure: cluster.skipTLSVerify === true,
  };
}

/** The bearer token of a kubeconfig's first user ('' if it has none). */
export async function tokenOf(kubeconfigYaml: string): Promise<string> {
  return (await load(kubeconfigYaml)).users[0]?.token ?? '';
}

/** The kubeconfig with every context defaulting to `namespace` (so objects without one land in the lab). */
export async function withNamespace(kubeconfigYaml: string, namespace: string): Promise<string> {
  const kc = await load(kubeconfigYaml);
  return exported({ ...kc, contexts: kc.contexts.map((c) => ({ ...c, namespace })) });
}

/**
 * The kubeconfig with every cluster's server pointed at `server` (a learner shell's in-jail
 * endpoint). A remote API server (the existing provider) keeps its own name for TLS verification.
 */
export async function withServer(kubeconfigYaml: string, server: string, what = 'the learner kubeconfig'): Promise<string> {
  const kc = await load(kubeconfigYaml, what);
  if (kc.clusters.length === 0) throw new SandboxError(`${what} names no cluster`);
  const clusters = kc.clusters.map((c) => {
    const original = new URL(c.server).hostname.replace(/^\[|\]$/g, '');
    const keepName = original && !/^(127\.|::1$|localhost$)/.test(original) && !c.tlsServerName;
    return { ...c, server, ...(keepName ? { tlsServerName: original } : {}) };
  });
  return exported({ ...kc, clusters });
}

/** What a Node https request needs to reach a kubeconfig's current cluster as its current user. */
export async function connectionOf(path: string): Promise<{ server: URL; https: import('node:https').RequestOptions }> {
  const { KubeConfig } = await (library ??= import('@kubernetes/client-node'));
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${path} has no current cluster`);
  const https: import('node:https').RequestOptions = {};
  await kc.applyToHTTPSOptions(https);
  return { server: new URL(cluster.server), https };
}

export interface LearnerContext {
  name: string;
  /** Effective namespace: "default" when the context sets none. */
  namespace: string;
  namespaceSet: boolean;
  cluster: string;
  user: string;
}

/** The current context of a learner-edited kubeconfig, read as data (see the top of this file). */
export function learnerContextOf(kubeconfigYaml: string): LearnerContext {
  return contextOf((parse(kubeconfigYaml) ?? {}) as ContextsDoc);
}

/**
 * The current context of the learner's kubeconfig file, as the grader reads it: at most 64 KiB,
 * parsed in a worker (kubeconfig/untrusted.ts), so no file a learner writes can stall or crash the server.
 */
export async function readLearnerContext(path: string): Promise<LearnerContext> {
  return contextOf(await readUntrustedContexts(path));
}

/** readLearnerContext, plus the names of every context the file holds. */
export async function readLearnerContexts(path: string): Promise<LearnerContext & { contexts: string[] }> {
  const doc = await readUntrustedContexts(path);
  return { ...contextOf(doc), contexts: (doc.contexts ?? []).map((c) => String(c?.name ?? '')) };
}

function contextOf(doc: ContextsDoc): LearnerContext {
  const name = doc['current-context'] ?? '';
  const ctx = (doc.contexts ?? []).find((c) => c?.name === name)?.context ?? {};
  return { name, namespace: ctx.namespace || 'default', namespaceSet: !!ctx.namespace, cluster: ctx.cluster ?? '', user: ctx.user ?? '' };
}

/** The names of every context a kubeconfig holds, read as data. */
export function contextNamesOf(kubeconfigYaml: string): string[] {
  const doc = (parse(kubeconfigYaml) ?? {}) as { contexts?: { name?: string }[] };
  return Array.isArray(doc.contexts) ? doc.contexts.map((c) => String(c?.name ?? '')) : [];
}
