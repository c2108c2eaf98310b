/**
 * What runs first inside a jail, as the learner: writes the shell's rc files into the private
 * home, sets the resource limits, starts the forwarder to the lab's API server, then becomes the
 * learner's login shell. Every value interpolated here is a number or a fixed path.
 */
import { jailApiPort } from './files.js';

export interface JailLimits {
  /** Processes (and threads) the learner may run at once: a fork bomb stops here. */
  processes: number;
  /** Largest file the learner may write, in bytes. */
  fileSizeBytes: number;
  /** Address space of each process, in bytes (Go programs such as kubectl need about 1 GiB). */
  addressSpaceBytes: number;
  /** Open files per process. */
  openFiles: number;
  /** Size of the private home (tmpfs), in bytes. */
  homeBytes: number;
  /** Size of the private /tmp (tmpfs), in bytes. */
  tmpBytes: number;
  /** Size of /dev/shm (tmpfs; the rest of /dev is read-only), in bytes. */
  shmBytes: number;
  /** Memory of the whole jail, its tmpfs contents included (its control group), in bytes. */
  memoryBytes: number;
  /** CPU weight of the whole jail against the server's 100 (its control group). */
  cpuWeight: number;
  /** CPU time of the whole jail, in cores (its control group). */
  cpuCores: number;
}

export const defaultJailLimits: JailLimits = {
  processes: 256,
  fileSizeBytes: 100 * 1024 * 1024,
  addressSpaceBytes: 2 * 1024 * 1024 * 1024,
  openFiles: 1024,
  homeBytes: 128 * 1024 * 1024,
  tmpBytes: 128 * 1024 * 1024,
  shmBytes: 64 * 1024 * 1024,
  memoryBytes: 1024 * 1024 * 1024,
  cpuWeight: 50,
  cpuCores: 1,
};

/** Where the host's per-jail files appear inside the jail. */
export const jailRunDir = '/run/kubelab';

const int = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`jail limit must be a whole number, got ${n}`);
  return String(n);
};

export function initScript(limits: JailLimits): string {
  return `set -u
umask 077
cp ${jailRunDir}/bashrc "$HOME/.bashrc"
printf '[ -f ~/.bashrc ] && . ~/.bashrc\\n' > "$HOME/.bash_profile"
umask 022
ulimit -c 0 -n ${int(limits.openFiles)} -u ${int(limits.processes)} -f ${int(Math.floor(limits.fileSizeBytes / 1024))} -v ${int(Math.floor(limits.addressSpaceBytes / 1024))} || exit 111
( while :; do socat TCP-LISTEN:${jailApiPort},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${jailRunDir}/api.sock </dev/null >/dev/null 2>&1; sleep 1; done ) &
for i in $(seq 1 150); do (: </dev/tcp/127.0.0.1/${jailApiPort}) 2>/dev/null && break; sleep 0.02; done
exec /bin/bash -l
`;
}

/** The learner's ~/.bashrc: kubectl completion, `k` as a short name, a readable prompt. */
export const learnerBashrc = `# kubelab: your shell. Only this lab's cluster is reachable from here.
case $- in *i*) ;; *) return ;; esac
HISTCONTROL=ignoreboth
HISTSIZE=5000
shopt -s histappend checkwinsize
alias ls='ls --color=auto' ll='ls -lh' grep='grep --color=auto'
alias k=kubectl
PS1='\\[\\e[1;32m\\]\\u@\\h\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]\\$ '
export EDITOR=vim KUBE_EDITOR=vim
if command -v kubectl >/dev/null; then
  source <(kubectl completion bash 2>/dev/null)
  complete -o default -F __start_kubectl k
fi
`;
