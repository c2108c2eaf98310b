/**
 * Secrets leave process.env as soon as the config has read them, so nothing the server starts
 * (learner shells, graders, kubectl, cluster processes) inherits them.
 */
const secretName = /^KUBELAB_.*(SECRET|PASSWORD|TOKEN|KEY)/i;

/** Removes secret variables from env (process.env by default); returns the names removed. */
export function scrubSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const removed = Object.keys(env).filter((k) => secretName.test(k));
  for (const k of removed) delete env[k];
  return removed;
}
