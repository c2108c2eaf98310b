/** The public interface of sandbox/: what server/ may import. */
export * from './provider.js';
export { KwokProvider, labVariables, type KwokProviderOptions } from './kwok.js';
export { binDir, binaryNames, defaultCacheDir, kubectlPath, locateBinaries, obtainBinaries, pinnedVersions } from './binaries.js';
export { packageRoot } from './paths.js';
export { kubectl, run, type RunResult } from './run.js';
export { KindProvider, type KindProviderOptions } from './kind.js';
export { MinikubeProvider, type MinikubeProviderOptions } from './minikube.js';
export { ExistingProvider, unsupportedOnExisting, type ExistingProviderOptions } from './existing.js';
export { defaultQuota, type LabQuota } from './existing/manifests.js';
export { containerEngine, containerEngineAvailability, findExecutable, installHints, type ContainerEngine } from './host.js';
export { createJailsRoot, defaultJailLimits, jailAvailable, jailHostUid, openShell, removeShellFiles, type JailLimits, type LearnerShell, type ShellCommand, type ShellSpec } from './jail.js';
