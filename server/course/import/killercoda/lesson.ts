/**
 * One scenario as one kubelab lesson: the files to write (path → content and mode) and the report.
 * Nothing here touches the disk except reading the scenario's own assets.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { convertMarkdown, mapNodeNames, type Converted, type TextContext } from './markdown.js';
import { commandNeeds, distinctNeeds, type Need } from './needs.js';
import { asScript, markerFiles, solutionScript, withoutWaits } from './scripts.js';
import type { Page, Scenario } from './source.js';

export interface OutFile {
  content: string | Buffer;
  mode: number;
}

export type StepStatus = 'imported' | 'adapted' | 'not runnable';

export interface StepReport {
  title: string;
  /** The exercise the step became, if it has a verify script (or carries setup). */
  exercise?: string;
  status: StepStatus;
  /** What changed and why (adapted), or why it cannot run (not runnable). */
  notes: string[];
}

export interface LessonReport {
  scenario: string;
  lessonId: string;
  folder: string;
  provider: 'kwok' | 'kind';
  providerWhy: string;
  steps: StepReport[];
  notes: string[];
}

export interface BuiltLesson {
  files: Map<string, OutFile>;
  report: LessonReport;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');

export function lessonIdOf(scenario: Scenario): string {
  return slug(scenario.name) || slug(scenario.title) || 'scenario';
}

/** Scenario node names and the lab variables they become. */
function nodeNamesOf(scenario: Scenario): Record<string, string> {
  if (scenario.environment.nodes <= 1) return { controlplane: 'worker1' };
  const names: Record<string, string> = { controlplane: 'controlPlane' };
  for (let i = 1; i < scenario.environment.nodes && i <= 9; i++) names[`node0${i}`] = `worker${i}`;
  return names;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Where an asset goes in the learner's home: /root/x and ~/x keep their place, other folders move under ~. */
function homeTarget(target: string): { path: string; moved: boolean } {
  const t = target.replace(/\\/g, '/').replace(/\/+$/, '');
  if (t === '' || t === '~' || t === '/root') return { path: '/root', moved: false };
  if (t.startsWith('~/')) return { path: `/root/${t.slice(2)}`, moved: false };
  if (t.startsWith('/root/')) return { path: t, moved: false };
  return { path: `/root/${t.replace(/^\/+/, '')}`, moved: true };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Group {
  /** Index of the verified step (or -1 for setup without one). */
  step: number;
  pages: { page: Page; label: string; first: boolean }[];
}

export function buildLesson(scenario: Scenario, lessonId: string, folder: string): BuiltLesson {
  const files = new Map<string, OutFile>();
  const nodeNames = nodeNamesOf(scenario);
  const ctx: TextContext = { nodeNames };
  const noteLesson: string[] = [];
  if (scenario.environment.note) noteLesson.push(scenario.environment.note);
  if (scenario.katacoda) noteLesson.push('Katacoda-era keys (courseData for background, code for foreground) were read as background and foreground');

  const converted = new Map<Page, Converted>();
  const convert = (p: Page) => {
    let c = converted.get(p);
    if (!c) converted.set(p, (c = convertMarkdown(p.text, ctx)));
    return c;
  };
  const pages = [scenario.intro, ...scenario.steps, scenario.finish];
  const label = (p: Page) => (p === scenario.intro ? 'the introduction' : p === scenario.finish ? 'the finish page' : `step ${scenario.steps.indexOf(p) + 1}`);

  // Exercises: one per verified step. Setup that comes before it (the intro's, unverified steps')
  // runs with it; setup after the last verified step gets an exercise of its own.
  const groups: Group[] = [];
  let pending: Group['pages'] = [];
  const carries = (p: Page) => p !== scenario.finish && (!!(p.background || p.foreground) || (p === scenario.intro && scenario.assets.length > 0));
  if (scenario.finish.background || scenario.finish.foreground) noteLesson.push("the finish page's background and foreground scripts are not run: nothing follows them to check");
  pages.forEach((p) => {
    if (carries(p) || p.verify) pending.push({ page: p, label: label(p), first: p === scenario.intro });
    if (p.verify) {
      groups.push({ step: pages.indexOf(p), pages: pending });
      pending = [];
    }
  });
  if (pending.length) groups.push({ step: pages.indexOf(pending[0]!.page), pages: pending });

  const exerciseAt = new Map<number, string>();
  const stepReports = new Map<Page, StepReport>();
  for (const p of scenario.steps) stepReports.set(p, { title: p.title, status: 'imported', notes: [] });
  const reportOf = (p: Page) => stepReports.get(p);
  const noteOn = (p: Page, note: string) => {
    const r = reportOf(p);
    if (r) {
      if (!r.notes.includes(note)) r.notes.push(note);
      if (r.status === 'imported') r.status = 'adapted';
    } else if (!noteLesson.includes(`${label(p)}: ${note}`)) noteLesson.push(`${label(p)}: ${note}`);
  };
  const pageNeeds = new Map<Page, Need[]>();
  // On a two-node image, controlplane is a Node of its own: kind labs have one, kwok labs do not.
  // Only commands count (Run blocks, scripts): prose may name it freely.
  const controlPlaneNeed: Need = { kind: 'containers', what: 'the control-plane node (controlplane), which kwok labs do not have as a Node' };
  const namesControlPlane = (p: Page) =>
    nodeNames.controlplane === 'controlPlane' && /(?<![A-Za-z0-9_.-])controlplane(?![A-Za-z0-9_-])/.test([...convert(p).runs.map((r) => r.code), p.verify?.text ?? '', p.background?.text ?? ''].join('\n'));

  for (const g of groups) {
    const main = pages[g.step]!;
    const n = scenario.steps.indexOf(main);
    const id = `${lessonId}-${n >= 0 ? `step-${n + 1}` : main === scenario.intro ? 'setup' : 'finish'}`;
    exerciseAt.set(g.step, id);
    const dir = `exercises/${id}`;
    const put = (rel: string, content: string | Buffer, mode = 0o644) => files.set(`${dir}/${rel}`, { content, mode });

    // Setup: the assets (with the first exercise), then each page's background, in order.
    const setup: string[] = ['#!/bin/bash', `# Setup of "${oneLine(main.title)}" as the scenario's host runs it: its assets, then its background scripts.`, '# It runs in the host view (sandbox/host-view.ts): root, the learner\'s home as /root, the admin credential.', 'cd /root', 'deadline=$((SECONDS + 170))', 'status=0'];
    const foreground: string[] = [];
    const needs: Need[] = [];
    let hasSetup = false;
    for (const { page, label: where, first } of g.pages) {
      if (first) {
        for (const a of scenario.assets) {
          const { path, moved } = homeTarget(a.target);
          put(`assets/${a.file}`, readFileSync(a.source), 0o644);
          setup.push(`mkdir -p ${quote(path)} && cp -r ${quote(`/kubelab/exercise/assets/${a.file}`)} ${quote(path)}/`);
          const placed = `${path}/${a.file.split('/').pop()}`;
          if (a.chmod) setup.push(`chmod ${quote(a.chmod)} ${quote(placed)}`);
          hasSetup = true;
          if (moved) noteOn(main, `the asset ${a.file} goes to ${placed} instead of ${a.target}: the learner's shell sees only its home and /tmp`);
        }
        if (scenario.assets.length) noteOn(main, `${scenario.assets.length} asset file(s) are placed in the learner's home by this exercise's setup`);
      }
      if (page.background) {
        const name = `scenario/${page.background.path.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
        put(name, asScript(page.background.text), 0o755);
        setup.push(`left=$((deadline - SECONDS)); [ $left -lt 5 ] && left=5`, `timeout $left /bin/bash ${quote(`/kubelab/exercise/${name}`)} </dev/null || { s=$?; echo "the scenario's background ${page.background.path} exited with status $s" >&2; status=$s; }`);
        hasSetup = true;
        for (const need of commandNeeds(page.background.text)) if (need.kind !== 'containers') needs.push(need);
        if (page !== main) noteOn(main, `the background of ${where} runs in this exercise's setup`);
      }
      if (page.foreground) {
        const markers = g.pages.flatMap((x) => (x.page.background ? markerFiles(x.page.background.text) : []));
        const { text, dropped } = withoutWaits(page.foreground.text.replace(/^#!.*\n/, ''), markers);
        if (dropped.length) noteOn(main, `the foreground's wait for the background (${dropped.join('; ')}) was dropped: kubelab types the foreground after setup has finished`);
        const mapped = mapNodeNames(text, ctx, (v) => `{{${v}}}`);
        if (text.trim()) foreground.push(mapped.trim());
        if (page !== main && text.trim()) noteOn(main, `the foreground of ${where} is typed when this exercise is prepared`);
        needs.push(...commandNeeds(text));
      }
    }
    setup.push('exit $status');

    // The check: the scenario's verify script, in the host view with the grader credential.
    const check: Record<string, unknown>[] = [];
    if (main.verify) {
      put('verify.sh', asScript(main.verify.text), 0o755);
      check.push({ title: `${oneLine(main.title)}: the scenario's verification`, script: 'verify.sh', timeoutSeconds: 30, hint: `Do what ${label(main)} asks, then check again.` });
      for (const need of commandNeeds(main.verify.text)) needs.push(need);
    } else {
      // Setup after the last verified step: its check says whether setup ran.
      put('prepared.sh', '#!/bin/bash\n# Passes once this exercise\'s setup has run (it leaves this mark in the learner\'s home).\ntest -f /root/.kubelab-prepared-' + id + ' && echo "the lab is prepared" || { echo "press Prepare my lab first"; exit 1; }\n', 0o755);
      setup.splice(setup.length - 1, 0, `touch /root/.kubelab-prepared-${id}`);
      check.push({ title: 'The lab is prepared for this part of the scenario', script: 'prepared.sh' });
      noteOn(main, 'this part has setup but no verify script: its exercise only prepares the lab, and its check says whether that ran');
    }

    // Reference solution: the step's Solution section if it has one, else its Run blocks.
    const c = convert(main);
    const fromSolution = [...c.runs.filter((r) => r.inSolution).map((r) => r.code), ...c.solutionCode];
    const commands = fromSolution.length ? fromSolution : c.runs.map((r) => r.code);
    const { script, skipped } = solutionScript(commands);
    if (commands.length) {
      put('solution.sh', `#!/bin/bash\n# Reference solution: the commands of ${label(main)}${fromSolution.length ? "'s Solution section" : ''}, as a learner types them (in the host view, learner credential).\ncd /root\n${script}\n`, 0o755);
    } else {
      put('solution.sh', `#!/bin/bash\n# The scenario shows no commands for ${label(main)}: there is no reference solution to run.\necho "no reference solution: the scenario gives none for ${label(main)}" >&2\nexit 1\n`, 0o755);
      if (main.verify) noteOn(main, 'the step shows no commands, so its reference solution (solution.sh) only says there is none');
    }
    if (skipped.length) noteOn(main, `the reference solution leaves out commands that wait for a person: ${skipped.join('; ')}`);

    if (hasSetup) put('setup.sh', setup.join('\n') + '\n', 0o755);
    if (foreground.length) put('foreground.sh', foreground.join('\n') + '\n');
    for (const p of g.pages.map((x) => x.page)) {
      needs.push(...convert(p).needs);
      if (namesControlPlane(p)) needs.push(controlPlaneNeed);
    }
    pageNeeds.set(main, distinctNeeds(needs));

    const exercise: Record<string, unknown> = {
      id,
      title: oneLine(main.title),
      task: main.verify
        ? `Do what **${label(main)}** (${oneLine(main.title)}) above asks. The check runs the scenario's own verification against your lab.`
        : `Press **Prepare my lab** to set up what ${label(main)} (${oneLine(main.title)}) uses.`,
      requires: distinctNeeds(needs).some((x) => x.kind === 'containers') ? ['containers'] : [],
      ...(hasSetup ? { setup: 'setup.sh' } : {}),
      ...(foreground.length ? { foreground: 'foreground.sh' } : {}),
      solution: 'solution.sh',
      hostView: { nodeNames },
      checks: check,
    };
    if (!(exercise.requires as string[]).length) delete exercise.requires;
    put('exercise.yaml', `# Imported from the Killercoda scenario ${scenario.name} (${main.textPath || label(main)}) by kubelab import killercoda.\n${stringify(exercise, { lineWidth: 0 })}`);
  }

  // Per step: what the page and its scripts need, and what that means on each provider.
  const allNeeds: Need[] = [];
  for (const p of scenario.steps) {
    const needs = distinctNeeds([...(pageNeeds.get(p) ?? []), ...convert(p).needs]);
    allNeeds.push(...needs);
    const r = reportOf(p)!;
    for (const change of convert(p).changes) noteOn(p, change);
    if (namesControlPlane(p)) {
      needs.push(controlPlaneNeed);
      allNeeds.push(controlPlaneNeed);
    }
    pageNeeds.set(p, needs);
    r.exercise = exerciseAt.get(pages.indexOf(p));
    const containers = needs.filter((x) => x.kind === 'containers').map((x) => x.what);
    const host = needs.filter((x) => x.kind === 'host').map((x) => x.what);
    const network = needs.filter((x) => x.kind === 'network').map((x) => x.what);
    if (host.length) {
      r.status = 'not runnable';
      r.notes.unshift(`needs a shell on a node (${host.join(', ')}): kubelab's terminal is not on a node, on any provider`);
    } else if (containers.length) {
      r.notes.unshift(`on kwok: not runnable (${containers.join(', ')} need running containers); on kind it runs`);
      if (r.status === 'imported') r.status = 'adapted';
    }
    if (network.length) r.notes.push(`downloads from the internet (${network.join(', ')}): it works only where the lab host has network`);
  }
  const containersNeeded = distinctNeeds(allNeeds).filter((x) => x.kind === 'containers');
  const provider = containersNeeded.length ? 'kind' : 'kwok';
  const providerWhy = containersNeeded.length ? `it needs running containers (${containersNeeded.map((x) => x.what).join(', ')})` : 'every step works against the API alone';

  // The lesson: the author's pages in order, an exercise panel after each verified step.
  const body: string[] = [];
  body.push(':::note', `Imported from the Killercoda scenario **${oneLine(scenario.title)}**. Scenario node names read as your lab's: ${Object.entries(nodeNames).map(([a, b]) => `\`${a}\` is {{${b}}}`).join(', ')}.${provider === 'kind' ? ' Parts of it need a cluster that runs containers (a kind lab); on the built-in kwok lab those parts say so.' : ''}`, ':::', '');
  if (scenario.description && !scenario.intro.text.includes(scenario.description)) body.push(mapNodeNames(scenario.description, ctx, (v) => `{{${v}}}`), '');
  pages.forEach((p, i) => {
    const c = convert(p);
    if (p !== scenario.intro) body.push(`## ${oneLine(p.title)}`, '');
    const r = reportOf(p);
    const host = r?.status === 'not runnable';
    const containers = (pageNeeds.get(p) ?? c.needs).some((x) => x.kind === 'containers');
    if (host) body.push(':::warning', `This step works on a node's own shell (${r!.notes[0]!.replace(/^needs a shell on a node \((.*)\):.*$/, '$1')}). kubelab's terminal talks to your lab's API; it is not a shell on a node, so these commands cannot run here.`, ':::', '');
    else if (containers && p !== scenario.intro && p !== scenario.finish) body.push(':::warning', 'This step needs a cluster that runs containers (kind, minikube or a real cluster). On the built-in kwok lab the nodes are simulated: its commands show nothing and its check cannot pass there.', ':::', '');
    if (c.markdown) body.push(c.markdown, '');
    const ex = exerciseAt.get(i);
    if (ex) body.push(`:::exercise ${ex}`, ':::', '');
  });

  const minutes = Math.min(120, Math.max(5, scenario.minutes ?? 5 + 5 * scenario.steps.length));
  const fm = {
    id: lessonId,
    title: oneLine(scenario.title),
    minutes,
    goal: oneLine(scenario.description || `Work through the Killercoda scenario "${scenario.title}" on your own lab.`),
    exercises: [...exerciseAt.values()],
  };
  files.set('lesson.md', { content: `---\n${stringify(fm, { lineWidth: 0 })}---\n\n${body.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`, mode: 0o644 });

  const report: LessonReport = { scenario: scenario.dir, lessonId, folder, provider, providerWhy, steps: scenario.steps.map((p) => reportOf(p)!), notes: noteLesson };
  files.set('import-report.md', { content: reportText([report]), mode: 0o644 });
  return { files, report };
}

/** The report as text: per lesson, its provider and each step imported, adapted or not runnable. */
export function reportText(reports: LessonReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(`# ${r.lessonId} (${r.folder})`, '', `From ${r.scenario}. Provider: ${r.provider}, because ${r.providerWhy}.`, '');
    for (const n of r.notes) out.push(`- ${n}`);
    if (r.notes.length) out.push('');
    r.steps.forEach((s, i) => {
      out.push(`${i + 1}. ${s.title}: ${s.status}${s.exercise ? ` (exercise ${s.exercise})` : ' (no verify script: prose and Run blocks only)'}`);
      for (const n of s.notes) out.push(`   - ${n}`);
    });
    out.push('');
  }
  return out.join('\n');
}
