/**
 * What a scenario's commands assume of the lab, read from the commands themselves:
 *   containers — processes really run (logs, exec, traffic): a kind lab has them, a kwok lab does not;
 *   host       — a shell on a node (ssh, systemctl, kubeadm, files under /etc/kubernetes): no kubelab
 *                lab gives the learner's terminal that, on any provider;
 *   network    — downloads from the internet (wget, apt-get): labs may have no network.
 */
export type NeedKind = 'containers' | 'host' | 'network';

export interface Need {
  kind: NeedKind;
  /** What in the command needs it, as the report says it: "kubectl logs". */
  what: string;
}

const rules: { kind: NeedKind; re: RegExp; what: (m: RegExpExecArray) => string }[] = [
  { kind: 'containers', re: /\b(?:kubectl|k)\s+(?:[^|;&\n]*\s)?(exec|logs|attach|port-forward|cp|top|debug|proxy)\b/, what: (m) => `kubectl ${m[1]}` },
  { kind: 'containers', re: /\bkubectl\s+run\b[^\n]*--rm\b/, what: () => 'kubectl run --rm (an interactive pod)' },
  { kind: 'containers', re: /\b(curl|nslookup|dig|ping|nc|telnet)\s/, what: (m) => `${m[1]} (traffic to a running pod or service)` },
  { kind: 'containers', re: /TRAFFIC_HOST|\[\[HOST_SUBDOMAIN\]\]/, what: () => 'a web page served from the lab' },
  { kind: 'host', re: /\bssh\s+\S/, what: () => 'ssh to a node' },
  { kind: 'host', re: /\b(systemctl|journalctl|service\s+\S+\s+(?:start|stop|restart|status))\b/, what: (m) => m[1]!.split(/\s/)[0]! },
  { kind: 'host', re: /\b(kubeadm|etcdctl|etcdutl|crictl|ctr|docker|podman|containerd|kubelet\s+--)\b/, what: (m) => m[1]!.trim() },
  { kind: 'host', re: /(\/etc\/kubernetes|\/var\/lib\/(?:kubelet|etcd)|\/var\/log\/(?:pods|containers)|\/etc\/systemd|\/opt\/cni)\b/, what: (m) => `files under ${m[1]}` },
  { kind: 'network', re: /\b(wget|git\s+clone|apt(?:-get)?\s+(?:install|update)|yum\s+install|pip3?\s+install|helm\s+repo\s+add|curl\s[^\n]*https?:\/\/)/, what: (m) => m[1]!.replace(/\s+/g, ' ').replace(/\s[^\n]*https?:.*/, '') },
];

const externalUrl = /https?:\/\/(?!localhost|127\.|10\.|\[|[^/\s]*\.svc|[^/\s.]+[:/\s]|[^/\s.]+$)[^/\s]+\.[a-z]{2,}/i;

/** The needs one command (or script) shows, one per distinct thing. */
export function commandNeeds(command: string): Need[] {
  const found: Need[] = [];
  for (const line of command.split('\n')) {
    const l = line.replace(/(^|\s)#.*$/, '');
    for (const r of rules) {
      const m = r.re.exec(l);
      if (!m) continue;
      // A download from the internet is a network need, not traffic to a pod.
      if (r.kind === 'containers' && m[1] === 'curl' && externalUrl.test(l)) continue;
      const n = { kind: r.kind, what: r.what(m) };
      if (!found.some((f) => f.kind === n.kind && f.what === n.what)) found.push(n);
    }
  }
  return found;
}

export function distinctNeeds(needs: Need[]): Need[] {
  return needs.filter((n, i) => needs.findIndex((o) => o.kind === n.kind && o.what === n.what) === i);
}
