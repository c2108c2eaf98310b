/** The public interface of sandbox/: what server/ may import. */
export * from './provider.js';
export { KwokProvider, labVariables, type KwokProviderOptions } from './kwok.js';
export { binDir, binaryNames, defaultCacheDir, kubectlPath, locateBinaries, obtainBinaries, pinnedVersions } from './binaries.js';
export { packageRoot } from './paths.js';
export type { LabUsage } from './usage.js';
export { kubectl, run, type RunResult } from './run.js';
export { KindProvider, type KindProviderOptions } from './kind.js';
export { MinikubeProvider, type MinikubeProviderOptions } from './minikube.js';
export { ExistingProvider, unsupportedOnExisting, type ExistingProviderOptions } from './existing.js';
export { defaultQuota, type LabQuota } from './existing/manifests.js';
export { containerEngine, containerEngineAvailability, findExecutable, installHints, type ContainerEngine } from './host.js';
export { createJailsRoot, defaultJailLimits, jailAvailable, jailHomeOf, jailHostUid, openShell, removeShellFiles, type JailLimits, type LearnerShell, type ShellCommand, type ShellSpec } from './jail.js';
export { runInHostView, hostViewUid, type HostHome, type HostViewSpec } from './host-view.js';
export { clusterOf, connectionOf, contextNamesOf, learnerContextOf, readLearnerContext, readLearnerContexts, type LearnerContext } from './kubeconfig.js';
export { maxLearnerFileBytes, UntrustedFileError } from './kubeconfig/untrusted.js';
export { buildTarget, imageStatus, type BuildTarget, type ImageStatus } from './images.js';
export { ensureDocker, hostMissingCapabilities, privilegedProblem, readEngineState, wrapperRuntime, type EngineState } from './engine.js';
