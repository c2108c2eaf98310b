/**
 * Lesson rendering: every extension of docs/lesson-format.md, and that nothing from a lesson file
 * (raw HTML, lab variable values, titles) reaches the page unescaped.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCourse } from '../../../server/course.js';
import { renderLesson } from '../../../server/course/render.js';
import { packageRoot, pinnedVersions } from '../../../sandbox/index.js';

const course = loadCourse(join(packageRoot, 'test', 'fixtures', 'lessons-render'));
const lesson = course.lessons.find((l) => l.id === 'sample')!;
const vars = { lab: 'lab-1', namespace: 'default', worker1: 'node-<one>', worker2: 'kwok-worker-2' };
const html = renderLesson(lesson, { vars, exerciseState: (id) => (id === 'sample-pod' ? 'passed' : 'not-started') });
const pending = renderLesson(lesson, {});

describe('lesson rendering', () => {
  it('loads the fixture course without problems', () => {
    expect(course.problems).toEqual([]);
  });

  it('escapes raw HTML in the markdown instead of passing it through', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<b onclick/);
  });

  it('gives bash run blocks Run and Copy buttons, other blocks Copy only', () => {
    const blocks = html.split('<div class="code-block').slice(1);
    const run = blocks.find((b) => b.includes('kubectl get nodes'))!;
    expect(run).toMatch(/^ runnable"/);
    expect(run).toContain('data-action="run"');
    expect(run).toContain('data-action="copy"');
    const yaml = blocks.find((b) => b.includes('kind: Pod'))!;
    expect(yaml).not.toContain('data-action="run"');
    expect(yaml).toContain('data-action="copy"');
    const solution = blocks.find((b) => b.includes('kubectl run hello'))!;
    expect(solution).not.toContain('data-action="run"');
  });

  it('marks run blocks that need containers, and says so on the page', () => {
    const block = html.split('<div class="code-block').find((b) => b.includes('kubectl logs web'))!;
    expect(block).toMatch(/^ runnable needs-containers"/);
    expect(block).toContain('needs containers');
    expect(html).toContain('class="needs-containers-note"');
  });

  it('labels blocks that fail on purpose', () => {
    const block = html.split('<div class="code-block').find((b) => b.includes('kubectl get pod missing'))!;
    expect(block).toContain('fails on purpose');
  });

  it('fills lab variables, escaped, in text, code and run blocks; leaves unknown ones', () => {
    expect(html).toContain('<span class="lab-var" data-var="worker1">node-&lt;one&gt;</span>');
    expect(html).toContain('<span class="lab-var" data-var="worker2">kwok-worker-2</span>');
    expect(html).toContain('<span class="lab-var" data-var="namespace">default</span>');
    expect(html).toMatch(/<code class="language-bash">kubectl get nodes <span class="lab-var" data-var="worker1">node-&lt;one&gt;<\/span>/);
    expect(html).toContain('{{nope}}');
    expect(html).not.toContain('node-<one>');
  });

  it('fills the course variables from the pins, with or without a lab', () => {
    const v = pinnedVersions().kubernetes; // e.g. v1.37.2
    const minor = v.split('.').slice(0, 2).join('.').slice(1);
    for (const page of [html, pending]) {
      expect(page).toContain(`Labs run Kubernetes ${v}, packages from <code>…/v${minor}/deb/</code>.`);
      expect(page).not.toContain('kubernetesVersion');
    }
  });

  it('shows well-known variables as pending before the lab is ready', () => {
    expect(pending).toContain('<span class="lab-var pending" data-var="worker1">worker1</span>');
    expect(pending).toContain('{{nope}}');
  });

  it('renders hints and solutions collapsed, with their titles', () => {
    expect(html).toMatch(/<details class="reveal hint" data-reveal="hint"><summary><span class="kind">Hint<\/span> Which <code>flag<\/code>\?<\/summary>/);
    expect(html).toMatch(/<details class="reveal solution" data-reveal="solution"><summary><span class="kind">Solution<\/span> Show the solution<\/summary>/);
    expect(html).not.toMatch(/<details[^>]* open/);
  });

  it('renders note, tip and warning admonitions', () => {
    expect(html).toContain('<aside class="admonition note" role="note" aria-label="Note"><p class="admonition-title">Note</p>');
    expect(html).toContain('<aside class="admonition tip" role="note" aria-label="Tip"><p class="admonition-title">Be quick</p>');
    expect(html).toContain('<aside class="admonition warning" role="note" aria-label="Warning"><p class="admonition-title">Warning</p>');
  });

  it('places the exercise panel: title, task, hints, Check button, results list, state', () => {
    const panel = html.slice(html.indexOf('<section class="exercise'), html.indexOf('</section>') + 10);
    expect(panel).toContain('data-exercise="sample-pod"');
    expect(panel).toContain('class="exercise passed"');
    expect(panel).toContain('Run a &lt;b&gt;pod&lt;/b&gt;');
    expect(panel).toContain('Create a Pod <code>hello</code> on <span class="lab-var" data-var="worker1">node-&lt;one&gt;</span>.');
    expect(panel).toContain('<span class="kind">Hint 1</span>');
    expect(panel).toContain('<span class="kind">Hint 2</span>');
    expect(panel).toContain('data-action="check"');
    expect(panel).toContain('<ol class="check-results"');
    expect(panel).toContain('data-state="passed"');
  });

  it('serves images only from the lesson folder: others are not shown', () => {
    expect(html).toContain('<img src="/lessons/sample/images/diagram.svg" alt="A diagram of node-&lt;one&gt;" class="diagram"');
    expect(html).toContain('[image not shown: outside]');
    expect(html).toContain('[image not shown: remote]');
    expect(html).not.toContain('secret.svg"');
    expect(html).not.toContain('example.com/x.svg"');
  });

  it('opens outside links beside the terminal and drops javascript: links', () => {
    expect(html).toContain('<a href="https://kubernetes.io/docs/" target="_blank" rel="noopener noreferrer">external</a>');
    expect(html).not.toContain('href="javascript:');
  });

  it('gives headings no ids that collide', () => {
    const ids = [...html.matchAll(/<h[1-6] id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('exercises that start from a prepared cluster (the course itself)', () => {
  const real = loadCourse(join(packageRoot, 'lessons'));
  const withSetup = real.lessons.flatMap((l) => l.exerciseIds.map((id) => ({ lesson: l, ex: real.exercises.get(id)! }))).filter(({ ex }) => ex && (ex.setup || ex.foreground || (ex.setupComponents && Object.keys(ex.setupComponents).length)));

  it('put Prepare my lab, with the reason, before the task that describes the prepared cluster', () => {
    expect(withSetup.length).toBeGreaterThan(5);
    for (const { lesson, ex } of withSetup) {
      const page = renderLesson(lesson, {});
      const panel = page.slice(page.indexOf(`data-exercise="${ex.id}"`));
      const prepare = panel.indexOf('data-action="setup"');
      const task = panel.indexOf('<div class="exercise-task">');
      expect(prepare, ex.id).toBeGreaterThan(0);
      expect(prepare, ex.id).toBeLessThan(task);
      expect(panel.slice(0, task)).toContain('The task below describes your cluster as this exercise sets it up, and that is not there yet');
      // One Prepare button per panel.
      expect(panel.slice(0, panel.indexOf('</section>')).split('data-action="setup"').length - 1, ex.id).toBe(1);
    }
  });

  it('exercises without a set-up have no Prepare button', () => {
    const plain = real.lessons.flatMap((l) => l.exerciseIds.map((id) => ({ lesson: l, ex: real.exercises.get(id)! }))).filter(({ ex }) => ex && !withSetup.some((w) => w.ex === ex));
    expect(plain.length).toBeGreaterThan(0);
    for (const { lesson, ex } of plain) {
      const page = renderLesson(lesson, {});
      const panel = page.slice(page.indexOf(`data-exercise="${ex.id}"`));
      expect(panel.slice(0, panel.indexOf('</section>')), ex.id).not.toContain('data-action="setup"');
    }
  });
});
