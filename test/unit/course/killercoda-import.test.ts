/**
 * kubelab import killercoda on scenario folders in the public format (test/fixtures/killercoda):
 * what it writes, that `kubelab lint` passes on it, the report, and bad input (a clear message
 * naming the file, nothing written). The lab side (setup, verify before and after the solution)
 * is test/integration/killercoda-lab.test.ts.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../../server/course.js';
import { renderLesson } from '../../../server/course/render.js';
import { importKillercoda, type ImportResult } from '../../../server/course/import/killercoda/index.js';
import { convertMarkdown } from '../../../server/course/import/killercoda/markdown.js';
import { markerFiles, withoutWaits } from '../../../server/course/import/killercoda/scripts.js';

const fixtures = resolve('test/fixtures/killercoda');
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-import-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (...p: string[]) => readFileSync(join(...p), 'utf8');

describe('a course with structure.json', () => {
  let out: string;
  let result: ImportResult;
  beforeAll(() => {
    out = join(tmp, 'course');
    result = importKillercoda(fixtures, { out });
  });

  it('writes one lesson per scenario, numbered, and skips an item whose folder is missing', () => {
    expect(readdirSync(out).sort()).toEqual(['01-pod-basics', '02-katacoda-configmap']);
    expect(result.skipped).toEqual([expect.stringContaining('not-there')]);
  });

  it('passes kubelab lint', () => {
    const course = loadCourse(out);
    expect(course.problems).toEqual([]);
    expect(course.lessons.map((l) => l.id)).toEqual(['pod-basics', 'katacoda-configmap']);
    expect([...course.exercises.keys()]).toEqual(['pod-basics-step-1', 'pod-basics-step-2', 'pod-basics-step-3', 'katacoda-configmap-step-1', 'katacoda-configmap-step-2']);
  });

  it("keeps the author's text and turns markers into Run blocks", () => {
    const md = read(out, '01-pod-basics', 'lesson.md');
    expect(md).toContain('The file `web-pod.yaml` is in your home folder.');
    expect(md).toContain('```bash run\ncat web-pod.yaml\n```');
    expect(md).toContain('```bash run\nkubectl apply -f web-pod.yaml\nkubectl get pods -n shop\n```');
    expect(md).toContain('```bash run interrupt\nkubectl get node {{worker1}} --show-labels\n```');
    expect(md).toContain('```bash run needs-containers\nkubectl logs web -n shop\n```');
    // {{copy}} and {{}} are plain inline code; no marker is left over.
    expect(md).toContain('`kubectl get pod web -n shop -o wide`, and this is not copyable: `rm -rf /`.');
    expect(md).not.toMatch(/\{\{(exec|copy|execute)?\}\}|\{\{exec/);
    // <details><summary>Solution</summary> became a collapsed solution; <br> a paragraph break.
    expect(md).toMatch(/:::solution\n\n```bash run\nkubectl get pod web -n shop -o jsonpath='\{\.spec\.nodeName\}' > \/root\/node.txt/);
    expect(md).not.toMatch(/<br>|<details>|<summary>/);
    // Node names are the lab's, through lab variables; each verified step has its panel.
    expect(md).toContain('Your cluster has two nodes, `{{controlPlane}}` and `{{worker1}}`.');
    for (const n of [1, 2, 3]) expect(md).toContain(`:::exercise pod-basics-step-${n}\n:::`);
    // The step that needs containers says why on kwok.
    expect(md).toMatch(/## Read the logs\n\n:::warning\nThis step needs a cluster that runs containers/);
  });

  it('turns assets and the background into the setup, the foreground into typed commands without its wait', () => {
    const ex = join(out, '01-pod-basics', 'exercises', 'pod-basics-step-1');
    const yaml = read(ex, 'exercise.yaml');
    expect(yaml).toContain('setup: setup.sh');
    expect(yaml).toContain('foreground: foreground.sh');
    // Prose that names controlplane does not need a control-plane node.
    expect(yaml).not.toContain('requires');
    expect(yaml).toMatch(/hostView:\n {2}nodeNames:\n {4}controlplane: controlPlane\n {4}node01: worker1/);
    const setup = read(ex, 'setup.sh');
    expect(setup).toContain("cp -r '/kubelab/exercise/assets/web-pod.yaml' '/root'/");
    expect(setup).toContain("chmod '+x' '/root/bin/check-ns.sh'");
    expect(setup).toContain('/kubelab/exercise/scenario/intro-background.sh');
    expect(read(ex, 'assets', 'web-pod.yaml')).toContain('name: web');
    expect(read(ex, 'foreground.sh')).toBe('echo "waiting for the setup"\necho ready\n');
    expect(statSync(join(ex, 'verify.sh')).mode & 0o111).toBeTruthy();
    expect(read(ex, 'verify.sh')).toContain('✅ Pod web exists in shop');
  });

  it("takes a step's reference solution from its Solution section", () => {
    const sol = read(out, '01-pod-basics', 'exercises', 'pod-basics-step-3', 'solution.sh');
    expect(sol).toContain("kubectl get pod web -n shop -o jsonpath='{.spec.nodeName}' > /root/node.txt");
    expect(sol).not.toContain('kubectl apply');
  });

  it('reads Katacoda keys (courseData, code), a BOM and CRLF line ends', () => {
    const ex = join(out, '02-katacoda-configmap', 'exercises', 'katacoda-configmap-step-1');
    expect(read(ex, 'setup.sh')).toContain('scenario/env-init.sh');
    expect(read(ex, 'setup.sh')).toContain('scenario/step1-background.sh');
    expect(read(ex, 'foreground.sh')).toBe("clear\necho 'The settings are ready'\n");
    const md = read(out, '02-katacoda-configmap', 'lesson.md');
    expect(md).not.toContain('\r');
    expect(md).not.toContain('\uFEFF');
    expect(md).toContain("```bash run\nkubectl get configmap app-settings -o jsonpath='{.data.color}' > ~/color.txt\n```");
    expect(md).toMatch(/^minutes: 10$/m);
    // A verify script without a shebang gets one.
    expect(read(out, '02-katacoda-configmap', 'exercises', 'katacoda-configmap-step-2', 'verify.sh')).toMatch(/^#!\/bin\/bash\nkubectl get configmap mine/);
  });

  it('renders: an interrupt block sends Ctrl-C first, the foreground rides hidden in its panel', () => {
    const lesson = loadCourse(out).lessons[0]!;
    const html = renderLesson(lesson, { vars: { worker1: 'kwok-worker-1', controlPlane: 'cp' } });
    expect(html).toMatch(/<button type="button" data-action="run" data-interrupt="true" aria-label="Run in the terminal: kubectl get node kwok-worker-1 --show-labels">/);
    expect(html.match(/data-interrupt/g)).toHaveLength(1);
    expect(html).toContain('<pre class="exercise-foreground" hidden>echo &quot;waiting for the setup&quot;\necho ready\n</pre>');
    expect(html).toContain('(it then types its first commands into your terminal)');
  });

  it('reports each step imported, adapted or not runnable, and the provider', () => {
    const [pods, kata] = result.reports;
    expect(pods!.provider).toBe('kind');
    expect(pods!.providerWhy).toContain('kubectl logs');
    expect(pods!.steps.map((s) => s.status)).toEqual(['adapted', 'adapted', 'adapted', 'adapted']);
    expect(pods!.steps[0]!.notes.join('\n')).toMatch(/wait for the background .*was dropped/);
    expect(pods!.steps[3]!.notes[0]).toMatch(/^on kwok: not runnable \(kubectl logs need running containers\)/);
    expect(kata!.provider).toBe('kwok');
    expect(kata!.notes.join('\n')).toContain('Katacoda-era keys');
    expect(kata!.steps[1]!.notes.join('\n')).toContain('leaves out commands that wait for a person: kubectl get cm -w');
    expect(read(out, '01-pod-basics', 'import-report.md')).toContain('4. Read the logs: adapted');
  });
});

describe('one scenario', () => {
  it('--out may name the lesson folder itself', () => {
    const lessons = join(tmp, 'one');
    importKillercoda(join(fixtures, 'katacoda-configmap'), { out: join(lessons, '07-configmaps') });
    expect(readdirSync(lessons)).toEqual(['07-configmaps']);
    expect(loadCourse(lessons).problems).toEqual([]);
  });

  it('accepts an index.json with little more than steps (no title, no backend), and says what it assumed', () => {
    const dir = join(tmp, 'minimal-src', 'bare-scenario');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ details: { steps: [{ text: 's.md', verify: 'v.sh', whatever: 1 }] }, extra: [1, 2] }));
    writeFileSync(join(dir, 's.md'), 'Make a namespace: `kubectl create ns demo`{{exec}}\n');
    writeFileSync(join(dir, 'v.sh'), 'kubectl get ns demo\n');
    const out = join(tmp, 'minimal');
    const r = importKillercoda(dir, { out });
    expect(loadCourse(out).problems).toEqual([]);
    expect(r.reports[0]!.notes.join('\n')).toContain('names no backend.imageid');
    expect(read(out, '01-bare-scenario', 'lesson.md')).toMatch(/^title: bare-scenario$/m);
  });

  it('a command on the control-plane node of a two-node image needs kind', () => {
    const dir = join(tmp, 'cp-src', 'taint-cp');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ title: 'Taint', details: { steps: [{ title: 'Untaint', text: 's.md', verify: 'v.sh' }] }, backend: { imageid: 'kubernetes-kubeadm-2nodes' } }));
    writeFileSync(join(dir, 's.md'), '`kubectl taint node controlplane node-role.kubernetes.io/control-plane:NoSchedule-`{{exec}}\n');
    writeFileSync(join(dir, 'v.sh'), 'kubectl get node controlplane -o jsonpath={.spec.taints} | grep -vq NoSchedule\n');
    const out = join(tmp, 'cp');
    const r = importKillercoda(dir, { out });
    expect(r.reports[0]!.provider).toBe('kind');
    expect(r.reports[0]!.steps[0]!.notes[0]).toMatch(/^on kwok: not runnable \(the control-plane node/);
    expect(read(out, '01-taint-cp', 'exercises', 'taint-cp-step-1', 'exercise.yaml')).toMatch(/^requires:\n {2}- containers$/m);
    expect(read(out, '01-taint-cp', 'lesson.md')).toContain('kubectl taint node {{controlPlane}} node-role');
  });

  it('numbers after the lessons already there and never reuses an id', () => {
    const lessons = join(tmp, 'existing');
    importKillercoda(join(fixtures, 'katacoda-configmap'), { out: lessons });
    importKillercoda(join(fixtures, 'katacoda-configmap'), { out: lessons });
    expect(readdirSync(lessons).sort()).toEqual(['01-katacoda-configmap', '02-katacoda-configmap-2']);
    expect(loadCourse(lessons).problems).toEqual([]);
  });
});

describe('bad input: a clear message naming the file, nothing written', () => {
  const cases: { name: string; break: (dir: string) => void; message: RegExp }[] = [
    { name: 'a missing index.json', break: (d) => rmSync(join(d, 'index.json')), message: /pod-basics.*has no index\.json/ },
    { name: 'invalid JSON', break: (d) => writeFileSync(join(d, 'index.json'), '{ "title": "x",\n  "details": { ]\n}'), message: /pod-basics\/index\.json:2: is not valid JSON/ },
    { name: 'a step file that does not exist', break: (d) => rmSync(join(d, 'step3', 'text.md')), message: /pod-basics\/index\.json: names the step file \.\/step3\/text\.md, which does not exist \(pod-basics\/step3\/text\.md\)/ },
    { name: 'a verify script that does not exist', break: (d) => rmSync(join(d, 'step2', 'verify.sh')), message: /names the script step2\/verify\.sh, which does not exist/ },
    { name: 'an asset that does not exist', break: (d) => rmSync(join(d, 'assets', 'web-pod.yaml')), message: /names the asset web-pod\.yaml, which does not exist/ },
    {
      name: 'an unknown imageid',
      break: (d) => writeFileSync(join(d, 'index.json'), read(d, 'index.json').replace('kubernetes-kubeadm-2nodes', 'weird-os-42')),
      message: /pod-basics\/index\.json: backend\.imageid "weird-os-42" is not an environment kubelab knows/,
    },
    {
      name: 'a host without Kubernetes',
      break: (d) => writeFileSync(join(d, 'index.json'), read(d, 'index.json').replace('kubernetes-kubeadm-2nodes', 'ubuntu')),
      message: /backend\.imageid "ubuntu" is a plain Linux host without Kubernetes/,
    },
    {
      name: 'a path outside the scenario',
      break: (d) => writeFileSync(join(d, 'index.json'), read(d, 'index.json').replace('step1/verify.sh', '../../etc/passwd')),
      message: /names \.\.\/\.\.\/etc\/passwd, which lies outside the scenario folder/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const src = join(tmp, `bad-${c.name.replace(/\W+/g, '-')}`, 'pod-basics');
      cpSync(join(fixtures, 'pod-basics'), src, { recursive: true });
      c.break(src);
      const out = join(tmp, `bad-out-${c.name.replace(/\W+/g, '-')}`);
      mkdirSync(out);
      writeFileSync(join(out, 'keep.txt'), 'mine');
      expect(() => importKillercoda(src, { out })).toThrow(c.message);
      expect(readdirSync(out)).toEqual(['keep.txt']);
    });
  }

  it('an existing lesson folder is never overwritten', () => {
    const lessons = join(tmp, 'taken');
    mkdirSync(join(lessons, '03-configmaps'), { recursive: true });
    writeFileSync(join(lessons, '03-configmaps', 'lesson.md'), 'mine');
    expect(() => importKillercoda(join(fixtures, 'katacoda-configmap'), { out: join(lessons, '03-configmaps') })).toThrow(/03-configmaps already exists; nothing was written/);
    expect(read(lessons, '03-configmaps', 'lesson.md')).toBe('mine');
    expect(readdirSync(lessons)).toEqual(['03-configmaps']);
  });

  it('a folder that is neither a scenario nor a course', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect(() => importKillercoda(empty, { out: join(tmp, 'empty-out') })).toThrow(/has no index\.json: it is not a Killercoda scenario folder/);
    expect(existsSync(join(tmp, 'empty-out'))).toBe(false);
  });
});

describe('markdown markers', () => {
  const md = (s: string) => convertMarkdown(s, { nodeNames: { node01: 'worker1' } });

  it('reads Katacoda and Killercoda markers alike, inline and after a fence', () => {
    const c = md('Run `ls`{{execute}} and `top`{{exec interrupt}}.\n\n```\nuname -r\n```{{execute T2}}\n\n```yaml\na: 1\n```{{copy}}\n');
    expect(c.markdown).toContain('Run `ls` and `top`.');
    expect(c.markdown).toContain('```bash run\nls\n```');
    expect(c.markdown).toContain('```bash run interrupt\ntop\n```');
    expect(c.markdown).toContain('```bash run\nuname -r\n```');
    expect(c.markdown).toContain('```yaml\na: 1\n```');
    expect(c.runs.map((r) => r.code)).toEqual(['ls', 'top', 'uname -r']);
  });

  it('drops a copied prompt, maps node names as words only, and turns traffic links into localhost', () => {
    const c = md('```\ncontrolplane $ kubectl get node node01\n```{{exec}}\n\nOpen [the app]({{TRAFFIC_HOST1_8080}}). Edit node01.yaml on node01.\n');
    expect(c.markdown).toContain('```bash run\nkubectl get node {{worker1}}\n```');
    expect(c.markdown).toContain('Open [the app](http://localhost:8080). Edit node01.yaml on {{worker1}}.');
    expect([...c.changes].join('\n')).toContain('no traffic proxy');
  });

  it('a <details> whose summary is not a solution is a hint', () => {
    const c = md('<details>\n<summary>Tip</summary>\nUse `kubectl get`.\n</details>\n');
    expect(c.markdown).toMatch(/:::hint Tip\n[\s\S]*Use `kubectl get`\.\n\n?:::/);
  });

  it('the commands a step needs decide the provider', () => {
    expect(md('`kubectl exec -it web -- sh`{{exec}}').needs).toEqual([{ kind: 'containers', what: 'kubectl exec' }]);
    expect(md('`ssh node01`{{exec}}').needs.map((n) => n.kind)).toEqual(['host']);
    expect(md('`kubectl get pods`{{exec}}').needs).toEqual([]);
  });
});

describe('foreground waits', () => {
  it('drops a multi-line wait for the background marker and keeps the rest', () => {
    const bg = 'kubectl apply -f x.yaml\ntouch /tmp/finished\n';
    expect(markerFiles(bg)).toEqual(['/tmp/finished']);
    const fg = 'echo start\nwhile [ ! -f /tmp/finished ]\ndo\n  sleep 1\ndone\necho go\n';
    expect(withoutWaits(fg, markerFiles(bg))).toEqual({ text: 'echo start\necho go\n', dropped: ['while [ ! -f /tmp/finished ]'] });
  });
});
