/**
 * The red-team report's attacks from inside a learner's jailed shell and lab (README "Security"),
 * each row named by its row in the report: forging what the grader reads, making the lab's API
 * server connect to the host's loopback, escaping the lab's RBAC, exhausting the host (memory,
 * /dev/shm, etcd's disk, a huge kubeconfig), and the jail's seccomp filter and control group.
 * Two learners, each with a real kwok lab and a real jailed terminal; learner B is the bystander
 * whose terminal must keep echoing (its echo latency during the kubeconfig attack is printed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runInTerminal, terminalClient, type TerminalClient } from '../helpers/terminal-client.js';
import { HttpSession } from '../helpers/http-session.js';
import { eventually } from '../helpers/lab.js';
import { terminalsFor } from '../../server/terminal.js';
import { sessionCookie } from '../../server/http/session.js';
import { defaultJailLimits, kubectl, type KwokProvider, type Lab } from '../../sandbox/index.js';
import { labEtcdLimits } from '../../sandbox/kwok.js';

let srv: TestServer;
let a: TerminalClient;
let b: TerminalClient;
let labA: Lab;
let labB: Lab;
const ids = { a: 0, b: 0 };
const cookies = { a: '', b: '' };
const http: Record<'a' | 'b', HttpSession> = {} as never;

let marks = 0;
const sh = runInTerminal;

/** One echo round trip in B's terminal, in ms. */
async function echoMs(c: TerminalClient): Promise<number> {
  const word = `e${++marks}x`;
  const since = c.plain.length;
  const t0 = performance.now();
  c.type(`echo ${word.slice(0, 2)}""${word.slice(2)}\r`);
  await c.waitFor(new RegExp(`^${word}$`, 'm'), { since, timeoutMs: 60_000 });
  return performance.now() - t0;
}

async function openTerminal(name: 'a' | 'b'): Promise<TerminalClient> {
  const c = terminalClient(srv.socket('/ws/terminal', { cookie: cookies[name] }), { cols: 120, rows: 30 });
  await c.waitForFrame('hello', 180_000);
  await c.waitFor(/learner@lab-[0-9a-f]+:~\$ $/m, { timeoutMs: 30_000 });
  return c;
}

const check = async (who: 'a' | 'b', exercise: string) => {
  const r = await http[who].post(`/api/exercises/${exercise}/check`);
  expect(r.status, r.text).toBe(200);
  return r.json as { passed: boolean; checks: { title: string; passed: boolean; message: string }[] };
};

const forbidden = /forbidden|Forbidden|denied/;

beforeAll(async () => {
  srv = await startTestServer({ auth: 'accounts', jail: true });
  for (const name of ['a', 'b'] as const) {
    const user = srv.server.ctx.store.users.create({ username: `learner-${name}`, displayName: `Learner ${name}`, role: 'learner' });
    ids[name] = user.id;
    const { token, session } = srv.server.ctx.sessions.create(user);
    cookies[name] = `${sessionCookie}=${token}`;
    http[name] = new HttpSession(srv.url);
    http[name].cookies.set(sessionCookie, token);
    http[name].csrf = session.csrfToken;
  }
  a = await openTerminal('a');
  b = await openTerminal('b');
  const sa = srv.server.ctx.labs.statusOf(ids.a);
  const sb = srv.server.ctx.labs.statusOf(ids.b);
  if (sa.state !== 'ready' || sb.state !== 'ready') throw new Error('both labs should be ready');
  labA = sa.lab;
  labB = sb.lab;
});

afterEach(async () => {
  expect(await sh(b, 'echo still""-here', 30_000)).toContain('still-here');
});

afterAll(async () => {
  a?.close();
  b?.close();
  await srv?.stop();
});

const apiPortOf = (lab: Lab) => Number(new URL(lab.server).port);

describe('3f: forging what the grader reads', () => {
  it('first-pod: a pod that was never scheduled cannot be patched Running', async () => {
    const out = await sh(
      a,
      `kubectl run hello --image=nginx:1.27 --labels=app=hello --overrides='{"apiVersion":"v1","spec":{"schedulerName":"nobody"}}' && kubectl patch pod hello --subresource=status -p '{"status":{"phase":"Running"}}' 2>&1`,
    );
    expect(out).toMatch(/cannot patch resource "pods\/status"/);
    const r = await check('a', 'first-pod');
    expect(r.passed).toBe(false);
    expect(r.checks.find((c) => /Running/.test(c.title))!.passed).toBe(false);
    await sh(a, 'kubectl delete pod hello --wait=false >/dev/null');
  });

  it('job-complete: a suspended Job with no pods cannot be patched Complete', async () => {
    const job = JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report' }, spec: { suspend: true, completions: 3, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'busybox:1.36' }] } } } });
    const status = JSON.stringify({ status: { succeeded: 3, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] } });
    const out = await sh(a, `echo '${job}' | kubectl apply -f - && kubectl patch job report --subresource=status --type=merge -p '${status}' 2>&1`);
    expect(out).toMatch(/cannot patch resource "jobs\/status"/);
    expect((await check('a', 'job-complete')).passed).toBe(false);
    await sh(a, 'kubectl delete job report --wait=false >/dev/null');
  });

  it('scale-web: neither a status patch nor a mutating policy on the controller\'s status writes makes unschedulable pods 3/3 ready', async () => {
    const out = await sh(
      a,
      [
        `kubectl create deployment web --image=nginx:1.27 --replicas=3 >/dev/null && kubectl patch deployment web -p '{"spec":{"template":{"spec":{"nodeSelector":{"no-such":"node"}}}}}' >/dev/null`,
        `kubectl patch deployment web --subresource=status --type=merge -p '{"status":{"readyReplicas":3,"replicas":3,"updatedReplicas":3}}' 2>&1`,
        // The same forgery done by the deployment controller itself, through a policy that rewrites what it writes.
        `printf '%s' '{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingAdmissionPolicy","metadata":{"name":"forge"},"spec":{"matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["UPDATE"],"resources":["deployments/status"]}]},"failurePolicy":"Fail","reinvocationPolicy":"Never","mutations":[{"patchType":"ApplyConfiguration","applyConfiguration":{"expression":"Object{status: Object.status{readyReplicas: 3}}"}}]}}' | kubectl create -f - 2>&1`,
      ].join('; '),
    );
    expect(out).toMatch(/cannot patch resource "deployments\/status"/);
    expect(out).toMatch(/may not match status or binding subresources/);
    const r = await check('a', 'scale-web');
    expect(r.passed).toBe(false);
    await sh(a, 'kubectl delete deployment web --wait=false >/dev/null');
  });

  it('a mutating policy the course teaches (on pods, not their status) is still allowed', async () => {
    const out = await sh(
      a,
      `printf '%s' '{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingAdmissionPolicy","metadata":{"name":"add-team-label"},"spec":{"matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]},"failurePolicy":"Fail","reinvocationPolicy":"Never","mutations":[{"patchType":"ApplyConfiguration","applyConfiguration":{"expression":"Object{metadata: Object.metadata{labels: {\\"team\\": \\"a\\"}}}"}}]}}' | kubectl create -f - 2>&1; kubectl delete mutatingadmissionpolicy add-team-label 2>&1`,
    );
    expect(out).toContain('mutatingadmissionpolicy.admissionregistration.k8s.io/add-team-label created');
  });

  it('cordon-drain: the learner cannot bind pods to nodes, nor write node status', async () => {
    const out = await sh(
      a,
      [
        `kubectl run parked --image=nginx:1.27 --overrides='{"apiVersion":"v1","spec":{"schedulerName":"nobody"}}' >/dev/null`,
        `printf '%s' '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"parked"},"target":{"kind":"Node","name":"kwok-worker-2"}}' | kubectl create -f - 2>&1`,
        `kubectl patch node kwok-worker-1 --subresource=status --type=merge -p '{"spec":{}, "status":{"conditions":[{"type":"Ready","status":"True"}]}}' 2>&1`,
        'kubectl delete pod parked --wait=false >/dev/null',
      ].join('; '),
    );
    expect(out.match(forbidden)?.length).toBeGreaterThanOrEqual(1);
    expect(out).toMatch(/cannot create resource "pods\/binding"|cannot create resource "bindings"/);
    expect(out).toMatch(/cannot patch resource "nodes\/status"/);
  });
});

describe("2d, 2e: the lab's API server connecting to the host for the learner", () => {
  it.each([
    ['a webhook URL at the host loopback', () => `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"scan"},"webhooks":[{"name":"scan.example.com","clientConfig":{"url":"https://127.0.0.1:${apiPortOf(labB)}/"},"rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["configmaps"]}],"sideEffects":"None","admissionReviewVersions":["v1"]}]}`, /cannot create resource "validatingwebhookconfigurations"/],
    ['a mutating webhook', () => `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"scan"},"webhooks":[{"name":"scan.example.com","clientConfig":{"url":"https://127.0.0.1:${srv.server.port}/"},"sideEffects":"None","admissionReviewVersions":["v1"]}]}`, /cannot create resource "mutatingwebhookconfigurations"/],
    ['an APIService backed by a Service', () => '{"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1.scan.example.com"},"spec":{"group":"scan.example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":15,"insecureSkipTLSVerify":true,"service":{"namespace":"default","name":"loop"}}}', /cannot create resource "apiservices"/],
    ['a Node whose kubelet is another lab\'s API server', () => `{"apiVersion":"v1","kind":"Node","metadata":{"name":"fake-node"},"status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":${apiPortOf(labB)}}},"addresses":[{"type":"InternalIP","address":"127.0.0.1"}]}}`, /cannot create resource "nodes"/],
  ])('%s → refused', async (_what, manifest, refusal) => {
    const out = await sh(a, `printf '%s' '${manifest()}' | kubectl create -f - 2>&1`);
    expect(out).toMatch(refusal);
  });

  it("an existing node's kubelet port cannot be moved; service, pod and node proxies are refused", async () => {
    const out = await sh(
      a,
      [
        `kubectl patch node kwok-worker-1 --subresource=status --type=merge -p '{"status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":${apiPortOf(labB)}}}}}' 2>&1`,
        'kubectl create service externalname loop --external-name=127.0.0.1 >/dev/null 2>&1',
        'kubectl get --raw /api/v1/namespaces/default/services/loop:443/proxy/ 2>&1',
        'kubectl get --raw /api/v1/nodes/kwok-worker-1/proxy/healthz 2>&1',
        'kubectl get --raw /api/v1/namespaces/default/pods/nothing/proxy/ 2>&1',
        'kubectl delete service loop >/dev/null 2>&1',
      ].join('; '),
    );
    expect(out).toMatch(/cannot patch resource "nodes\/status"/);
    expect(out.match(/Error from server \(Forbidden\)/g)?.length).toBeGreaterThanOrEqual(4);
    expect(out).not.toMatch(/Unauthorized|x509|HTTP response to HTTPS client/);
  });
});

describe('3b–3e: identities the learner could borrow', () => {
  it.each([
    ['--as the grader', 'kubectl get pods --as=kubelab:grader 2>&1'],
    ['--as-group system:masters', 'kubectl get pods --as=nobody --as-group=system:masters 2>&1'],
    ['a controller ServiceAccount, impersonated for a write', 'kubectl get pods --as=system:serviceaccount:kube-system:deployment-controller 2>&1'],
    ['binding cluster-admin to oneself', 'kubectl create clusterrolebinding grab --clusterrole=cluster-admin --user=kubelab:learner 2>&1'],
    [
      'approving a certificate request for the grader',
      `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /tmp/k -subj /CN=kubelab:grader -out /tmp/csr 2>/dev/null && printf '{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"grader"},"spec":{"request":"%s","signerName":"kubernetes.io/kube-apiserver-client","usages":["client auth"]}}' "$(base64 -w0 /tmp/csr)" | kubectl create -f - >/dev/null && kubectl certificate approve grader 2>&1; rm -f /tmp/k /tmp/csr`,
    ],
  ])('%s → refused', async (_what, command) => {
    expect(await sh(a, command)).toMatch(forbidden);
  });

  it("a token for kube-system's deployment-controller gets none of the controller's rights", async () => {
    const out = await sh(
      a,
      [
        'kubectl -n kube-system create serviceaccount deployment-controller >/dev/null 2>&1',
        'T=$(kubectl -n kube-system create token deployment-controller)',
        'kubectl create deployment tok --image=nginx:1.27 >/dev/null',
        // As the ServiceAccount alone: no client certificate beside the token.
        `kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > /tmp/ca`,
        `kubectl --kubeconfig=/dev/null -s https://127.0.0.1:6443 --certificate-authority=/tmp/ca --token="$T" patch deployment tok -n default --subresource=status --type=merge -p '{"status":{"readyReplicas":1}}' 2>&1`,
        'rm -f /tmp/ca',
        'kubectl delete deployment tok --wait=false >/dev/null',
      ].join('; '),
    );
    expect(out).toMatch(/system:serviceaccount:kube-system:deployment-controller" cannot (get|patch) resource "deployments\/status"/);
  });

  it('a ServiceAccount of the learner\'s given edit everywhere gets no proxy and no impersonation', async () => {
    const out = await sh(
      a,
      [
        'kubectl create serviceaccount helper >/dev/null',
        'kubectl create clusterrolebinding helper-edit --clusterrole=edit --serviceaccount=default:helper >/dev/null',
        // The edit role itself, as the API server aggregated it: no proxy subresource, no impersonate verb.
        `kubectl get clusterrole edit -o jsonpath='{range .rules[*]}{.resources}{" "}{.verbs}{"\\n"}{end}' | grep -cE 'proxy|impersonate'`,
        'T=$(kubectl create token helper)',
        `kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > /tmp/ca`,
        'K="kubectl --kubeconfig=/dev/null -s https://127.0.0.1:6443 --certificate-authority=/tmp/ca --token=$T"',
        '$K get deployments -n kube-system >/dev/null && echo edit-works',
        '$K get --raw /api/v1/namespaces/default/services/kubernetes:443/proxy/ 2>&1',
        '$K get pods -n kube-system --as=system:serviceaccount:kube-system:deployment-controller 2>&1',
        'rm -f /tmp/ca; kubectl delete clusterrolebinding helper-edit >/dev/null; kubectl delete serviceaccount helper >/dev/null',
      ].join('; '),
    );
    expect(out).toMatch(/^0$/m);
    expect(out).toMatch(/^edit-works$/m);
    expect(out).toMatch(/system:serviceaccount:default:helper" cannot get resource "services\/proxy"/);
    // Neither the old impersonation (impersonate on serviceaccounts) nor the constrained one (impersonate-on:…).
    expect(out).toMatch(/system:serviceaccount:default:helper" cannot impersonate(-on:serviceaccount:list)? resource/);
  });

  it('asking what a ServiceAccount may do still works (the course uses it)', async () => {
    const out = await sh(a, 'kubectl create serviceaccount auditor >/dev/null; kubectl auth can-i list pods --as=system:serviceaccount:default:auditor; kubectl auth can-i --list --as=system:serviceaccount:default:auditor | head -2');
    expect(out).toMatch(/^no$/m);
    expect(out).toContain('selfsubjectreviews');
  });

  it('the course can still create CRDs, admission policies, RBAC, and label, taint and cordon nodes', async () => {
    const crd = '{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","names":{"plural":"widgets","singular":"widget","kind":"Widget"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}';
    const vap = '{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"max-replicas"},"spec":{"matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE","UPDATE"],"resources":["deployments"]}]},"validations":[{"expression":"object.spec.replicas <= 5"}]}}';
    const out = await sh(
      a,
      [
        `printf '%s' '${crd}' | kubectl create -f -`,
        'kubectl wait --for=condition=Established crd/widgets.example.com --timeout=30s >/dev/null',
        `printf '%s' '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":2}}' | kubectl create -f -`,
        `printf '%s' '${vap}' | kubectl create -f -`,
        `printf '%s' '{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding","metadata":{"name":"max-replicas"},"spec":{"policyName":"max-replicas","validationActions":["Deny"]}}' | kubectl create -f -`,
        'kubectl create role pod-reader --verb=get,list --resource=pods && kubectl create rolebinding pod-reader --role=pod-reader --serviceaccount=default:auditor',
        'kubectl label node kwok-worker-2 disk=ssd && kubectl taint node kwok-worker-2 dedicated=db:NoSchedule && kubectl cordon kwok-worker-2 && kubectl uncordon kwok-worker-2',
        'kubectl taint node kwok-worker-2 dedicated- >/dev/null; kubectl label node kwok-worker-2 disk- >/dev/null',
        'kubectl delete validatingadmissionpolicybinding max-replicas >/dev/null; kubectl delete validatingadmissionpolicy max-replicas >/dev/null; kubectl delete crd widgets.example.com >/dev/null',
      ].join(' && '),
    );
    expect(out).toContain('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    expect(out).toContain('widget.example.com/w1 created');
    expect(out).toContain('validatingadmissionpolicy.admissionregistration.k8s.io/max-replicas created');
    expect(out).toMatch(/validatingadmissionpolicybinding.admissionregistration.k8s.io\/max-replicas created/);
    expect(out).toContain('rolebinding.rbac.authorization.k8s.io/pod-reader created');
    expect(out).toContain('node/kwok-worker-2 uncordoned');
  });
});

describe('the jail: system calls, /dev, memory, processes', () => {
  it('INFO 9: no new user namespace (unshare -Ur), no mount, no keyring; the filter is loaded', async () => {
    const out = await sh(a, 'grep Seccomp: /proc/self/status; unshare -Ur true 2>&1; unshare -n true 2>&1; python3 -c "import ctypes; l=ctypes.CDLL(None, use_errno=True); print(\'keyctl\', l.syscall(250, 0, 0, 0, 0, 0), ctypes.get_errno())"');
    expect(out).toMatch(/^Seccomp:\s+2$/m);
    expect(out.match(/unshare failed: Operation not permitted/g)?.length).toBe(2);
    expect(out).toContain('keyctl -1 1'); // EPERM
  });

  it('4e: /dev/shm holds 64 MiB, not half the host; the rest of /dev is read-only', async () => {
    const out = await sh(a, 'for i in $(seq 1 4); do dd if=/dev/zero of=/dev/shm/f$i bs=1M count=100 2>&1 | grep -o "No space left on device"; done; du -sm /dev/shm | cut -f1; touch /dev/evil 2>&1; rm -f /dev/shm/f*', 120_000);
    expect(out.match(/No space left on device/g)?.length).toBeGreaterThanOrEqual(3);
    expect(Number(/^(\d+)$/m.exec(out)?.[1])).toBeLessThanOrEqual(defaultJailLimits.shmBytes / 1024 / 1024);
    expect(out).toContain('Read-only file system');
  });

  it('4d: three 600 MiB processes at once are held to the jail\'s memory, the rest is killed', async () => {
    const shell = terminalsFor(srv.server.ctx).shellOf(ids.a)!;
    const group = shell.shell.cgroup;
    if (!group) throw new Error(`the jail has no control group here: ${shell.shell.cgroupReason}`);
    const out = await sh(a, 'for i in 1 2 3; do python3 -c "b=bytearray(600<<20); import time; time.sleep(4)" 2>/dev/null & done; for j in $(jobs -p); do wait $j; echo "exit $?"; done', 120_000);
    const exits = [...out.matchAll(/^exit (\d+)$/gm)].map((m) => Number(m[1]));
    expect(exits).toHaveLength(3);
    // At least one was killed by the group's limit (SIGKILL, 137) or could not allocate (1); none got past it.
    expect(exits.some((e) => e !== 0)).toBe(true);
    expect(group.memoryBytes()).toBeLessThanOrEqual(defaultJailLimits.memoryBytes);
  });

  it('4a: a fork bomb is capped, and ending the shell ends every process it left (nothing outlives it)', async () => {
    const group = terminalsFor(srv.server.ctx).shellOf(ids.a)!.shell.cgroup!;
    a.type("bash -c 'bomb(){ bomb | bomb & }; bomb' 2>/dev/null\r");
    await new Promise((r) => setTimeout(r, 5000));
    expect(group.pids().length).toBeLessThanOrEqual(defaultJailLimits.processes + 16);
    expect(group.pids().length).toBeGreaterThan(20);
    a.send({ type: 'restart' });
    expect((await a.waitForClose()).code).toBe(4410);
    await eventually(async () => group.pids().length === 0 || undefined, { timeoutMs: 20_000, intervalMs: 200 });
    a = await openTerminal('a');
  });
});

describe('4j: a 30 MiB ~/.kube/config', () => {
  it("is refused unread by the kubeconfig check; the other learner's echo stays fast", async () => {
    await sh(a, `cp ~/.kube/config ~/kc.bak && { cat ~/kc.bak; echo 'junk:'; yes '  - a' | head -c 31457280; } > ~/.kube/config; ls -l ~/.kube/config | awk '{print $5}'`, 120_000);
    const echoes: number[] = [];
    let stop = false;
    const typing = (async () => {
      while (!stop) echoes.push(await echoMs(b));
    })();
    const checks = await Promise.all(Array.from({ length: 5 }, () => check('a', 'namespace-and-context')));
    stop = true;
    await typing;
    for (const r of checks) expect(r.checks.some((c) => !c.passed && /larger than 64 KiB/.test(c.message)), JSON.stringify(r.checks)).toBe(true);
    echoes.sort((x, y) => x - y);
    console.log(`4j: learner B's echo during 5 checks of a 30 MiB kubeconfig: ${echoes.length} echoes, median ${echoes[Math.floor(echoes.length / 2)]?.toFixed(1)} ms, max ${echoes.at(-1)?.toFixed(1)} ms`);
    expect(echoes.length).toBeGreaterThan(0);
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    await sh(a, 'cp ~/kc.bak ~/.kube/config && rm ~/kc.bak');
  });
});

describe('4g: filling the host disk through etcd', () => {
  it('stops at the lab quota with "database space exceeded"; the lab folder stays far below a GiB', async () => {
    const out = await sh(
      a,
      // 0.9 MB of data per ConfigMap, created until the API server refuses (or 600 of them: 540 MB).
      `head -c 900000 /dev/zero | tr '\\0' a > /tmp/blob; for i in $(seq 1 600); do kubectl create configmap fill-$i --from-file=blob=/tmp/blob >/dev/null 2>/tmp/err || { cat /tmp/err; echo "stopped at $i"; break; }; done; rm -f /tmp/blob`,
      900_000,
    );
    expect(out).toMatch(/database space exceeded/);
    const stoppedAt = Number(/stopped at (\d+)/.exec(out)?.[1]);
    expect(stoppedAt).toBeLessThanOrEqual(Math.ceil((labEtcdLimits.quotaMiB * 1024 * 1024) / 900_000) + 10);
    const dir = (srv.server.ctx.labs.provider as KwokProvider).clusterDir(labA.name);
    const size = duBytes(dir);
    console.log(`4g: etcd refused writes after ${stoppedAt} ConfigMaps of 0.9 MB; lab folder ${(size / 1024 / 1024).toFixed(0)} MiB`);
    expect(size).toBeLessThan(1024 * 1024 * 1024);
  });
});

describe('a lab deleted under a live shell', () => {
  it('ends the shell with a message, and the page is told the lab is gone', async () => {
    const since = a.frames.length;
    await (srv.server.ctx.labs.provider as KwokProvider).delete(labA);
    expect(existsSync((srv.server.ctx.labs.provider as KwokProvider).clusterDir(labA.name))).toBe(false);
    await srv.server.ctx.labs.noticeGone();
    const exit = await a.waitForFrame('exit', 30_000);
    expect(exit.message).toMatch(/lost|deleted/i);
    const lab = a.frames.slice(since).find((f) => f.type === 'lab');
    expect(lab && lab.type === 'lab' && lab.status.state).toBe('lost');
  });

  it('a reaped lab tells its learner why', async () => {
    const since = b.plain.length;
    const frames = b.frames.length;
    const reaped = await srv.server.ctx.labs.reapIdle(Date.now() + 365 * 86400_000);
    expect(reaped).toContain(labB.name);
    const exit = await b.waitForFrame('exit', 30_000);
    expect(exit.message).toMatch(/deleted after \d+ minutes without use/);
    const lab = b.frames.slice(frames).find((f) => f.type === 'lab');
    expect(lab && lab.type === 'lab' && lab.status).toMatchObject({ state: 'none', reason: expect.stringMatching(/without use/) });
    expect(b.plain.length).toBeGreaterThanOrEqual(since);
    b = await openTerminal('b'); // a fresh lab for the bystander's last echo
  });
});

function duBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).blocks * 512;
  }
  return total;
}
