/**
 * Reading a Killercoda (or Katacoda-era) scenario folder into one plain model. Liberal in what it
 * accepts: unknown keys are ignored, optional fields may be missing, files may have a BOM or CRLF
 * line ends, paths may start with ./; every real problem (no index.json, JSON that does not parse,
 * a file the scenario names that is not there, an environment that is not Kubernetes) is an
 * ImportError naming the file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, normalize, relative, resolve, sep } from 'node:path';
import { UserError } from '../../../errors.js';

export class ImportError extends UserError {
  constructor(readonly file: string, message: string, hint?: string) {
    super(`${file}: ${message}`, hint);
    this.name = 'ImportError';
  }
}

/** A script of the scenario: where it came from (for messages) and its text. */
export interface ScriptFile {
  /** Path relative to the scenario folder, e.g. step1/verify.sh. */
  path: string;
  text: string;
}

export interface Page {
  title: string;
  /** Markdown, as the author wrote it (BOM and CR removed). */
  text: string;
  /** Path of the text file relative to the scenario folder ('' when the step has no text file). */
  textPath: string;
  background?: ScriptFile;
  foreground?: ScriptFile;
  verify?: ScriptFile;
}

export interface Asset {
  /** The asset's file or folder, relative to the scenario's assets/ folder. */
  file: string;
  /** Absolute path of the asset on this machine. */
  source: string;
  /** Target folder on the scenario's host (/root, ~/, /opt/course/1 …). */
  target: string;
  /** chmod argument, e.g. +x or 0644. */
  chmod?: string;
}

export interface Environment {
  imageid: string;
  /** Nodes the scenario's cluster has: 1 (controlplane only) or 2+ (controlplane, node01, …). */
  nodes: number;
  /** Said when the image was assumed or read loosely. */
  note?: string;
}

export interface Scenario {
  /** Absolute path of the scenario folder. */
  dir: string;
  /** The folder's name: the lesson's id comes from it. */
  name: string;
  title: string;
  description: string;
  /** Minutes the scenario says it takes (Katacoda's "time"), if it says. */
  minutes?: number;
  intro: Page;
  steps: Page[];
  finish: Page;
  assets: Asset[];
  environment: Environment;
  /** Katacoda-era keys (courseData, code) were used. */
  katacoda: boolean;
}

/** Reads a file as text: UTF-8, without a byte-order mark, with LF line ends. */
export function readText(file: string): string {
  return readFileSync(file, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Reads a JSON file; a parse error names the file and, where it can, the line. */
export function readJson(file: string, shown: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new ImportError(shown + (line ? `:${line}` : ''), `is not valid JSON (${(err as Error).message.replace(/^.*?JSON[^:]*: ?/, '')})`, 'Fix the file and import again; nothing was written.');
  }
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A path the scenario names, resolved inside its folder (leading ./ and backslashes allowed, no escape). */
function inside(dir: string, rel: string, shownFrom: string): string {
  const clean = rel.replace(/\\/g, '/').replace(/^\.\//, '');
  const abs = resolve(dir, normalize(clean));
  if (abs !== dir && !abs.startsWith(dir + sep)) throw new ImportError(shownFrom, `names ${rel}, which lies outside the scenario folder`);
  return abs;
}

function shownPath(dir: string, abs: string): string {
  return join(basename(dir), relative(dir, abs));
}

function scriptAt(dir: string, rel: string | undefined, from: string): ScriptFile | undefined {
  if (!rel) return undefined;
  const abs = inside(dir, rel, from);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new ImportError(from, `names the script ${rel}, which does not exist (${shownPath(dir, abs)})`);
  return { path: relative(dir, abs), text: readText(abs) };
}

function pageOf(dir: string, raw: unknown, fallbackTitle: string, from: string): { page: Page; katacoda: boolean } {
  const p = obj(raw);
  const textRel = str(p.text);
  let text = '';
  let textPath = '';
  if (textRel) {
    const abs = inside(dir, textRel, from);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new ImportError(from, `names the step file ${textRel}, which does not exist (${shownPath(dir, abs)})`);
    text = readText(abs);
    textPath = relative(dir, abs);
  }
  const katacoda = 'courseData' in p || 'code' in p;
  return {
    page: {
      title: str(p.title) ?? fallbackTitle,
      text,
      textPath,
      background: scriptAt(dir, str(p.background) ?? str(p.courseData), from),
      foreground: scriptAt(dir, str(p.foreground) ?? str(p.code), from),
      verify: scriptAt(dir, str(p.verify), from),
    },
    katacoda,
  };
}

/** Images that hold a Kubernetes cluster, and how many nodes; the rest is refused with a reason. */
export function environmentOf(imageidRaw: unknown, from: string): Environment {
  const imageid = str(imageidRaw);
  if (!imageid) return { imageid: 'kubernetes-kubeadm-2nodes', nodes: 2, note: 'the scenario names no backend.imageid; a two-node Kubernetes cluster (controlplane, node01) is assumed' };
  const id = imageid.toLowerCase();
  const kube = /kubernetes|k8s|k3s|k3d|minikube|kind|kubeadm|openshift/.test(id);
  if (!kube) {
    if (/^(ubuntu|debian|centos|fedora|rocky|alma|alpine|docker|podman|linux|bash|python|node|golang|java)/.test(id)) {
      throw new ImportError(from, `backend.imageid "${imageid}" is a plain Linux host without Kubernetes: kubelab imports Kubernetes scenarios only`, 'Kubernetes images are kubernetes-kubeadm-1node, kubernetes-kubeadm-2nodes and the like.');
    }
    throw new ImportError(from, `backend.imageid "${imageid}" is not an environment kubelab knows`, 'Known: kubernetes-kubeadm-1node, kubernetes-kubeadm-2nodes (and their -rapid, -4GB… variants), kubernetes-k3s-*, and Katacoda\'s kubernetes-cluster(-running).');
  }
  const n = /(\d+)[-_]?nodes?/.exec(id);
  const nodes = n ? Math.max(1, Number(n[1])) : /minikube|k3s|k3d|single/.test(id) ? 1 : 2;
  return { imageid, nodes };
}

/** Katacoda's "time": "15 minutes" or "10-15 min". */
function minutesOf(v: unknown): number | undefined {
  const m = typeof v === 'number' ? [String(v), String(v)] : typeof v === 'string' ? /(\d+)/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

/** The scenario in a folder: index.json and everything it names. */
export function readScenario(dirIn: string): Scenario {
  const dir = resolve(dirIn);
  const indexFile = join(dir, 'index.json');
  const shownIndex = shownPath(dir, indexFile);
  if (!existsSync(indexFile)) throw new ImportError(dirIn, 'has no index.json: it is not a Killercoda scenario folder (and has no structure.json for a course)');
  const index = obj(readJson(indexFile, shownIndex));
  const details = obj(index.details);
  const title = str(index.title) ?? basename(dir);
  const intro = pageOf(dir, details.intro, 'Introduction', shownIndex);
  const rawSteps = Array.isArray(details.steps) ? details.steps : [];
  const steps = rawSteps.map((s, i) => pageOf(dir, s, `Step ${i + 1}`, shownIndex));
  const finish = pageOf(dir, details.finish, 'Finish', shownIndex);
  const env = obj(index.backend);
  const environment = environmentOf(env.imageid ?? obj(index.environment).imageid, shownIndex);

  const assets: Asset[] = [];
  const hostAssets = obj(details.assets);
  for (const [host, list] of Object.entries(hostAssets)) {
    if (!Array.isArray(list)) continue;
    for (const a of list) {
      const item = obj(a);
      const file = str(item.file);
      const target = str(item.target) ?? '/root';
      if (!file) continue;
      if (host !== 'host01' && host !== 'client') continue; // other hosts are reported by the caller
      assets.push(...assetFiles(dir, file, target, typeof item.chmod === 'string' ? item.chmod : undefined, shownIndex));
    }
  }
  return {
    dir,
    name: basename(dir),
    title,
    description: str(index.description) ?? '',
    minutes: minutesOf(index.time),
    intro: intro.page,
    steps: steps.map((s) => s.page),
    finish: finish.page,
    assets,
    environment,
    katacoda: intro.katacoda || steps.some((s) => s.katacoda) || finish.katacoda || 'environment' in index,
  };
}

/** One asset entry's files: a name, or a glob (* and **) under assets/. */
function assetFiles(dir: string, file: string, target: string, chmod: string | undefined, from: string): Asset[] {
  const root = join(dir, 'assets');
  if (!/[*?]/.test(file)) {
    const source = inside(root, file, from);
    if (!existsSync(source)) throw new ImportError(from, `names the asset ${file}, which does not exist (${shownPath(dir, source)})`);
    return [{ file: relative(root, source), source, target, chmod }];
  }
  const pattern = new RegExp('^' + file.replace(/^\.\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*') + '$');
  const out: Asset[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && pattern.test(relative(root, abs))) out.push({ file: relative(root, abs), source: abs, target, chmod });
    }
  };
  walk(root);
  if (!out.length) throw new ImportError(from, `names the assets ${file}, which match no file under assets/`);
  return out;
}

export interface CourseItem {
  path: string;
  title?: string;
}

/** A course: structure.json's items (or a Katacoda pathway's courses), each a scenario folder. */
export function readCourse(dirIn: string): { title?: string; items: CourseItem[]; file: string } | undefined {
  const dir = resolve(dirIn);
  const structure = join(dir, 'structure.json');
  if (existsSync(structure)) {
    const s = obj(readJson(structure, shownPath(dir, structure)));
    const items = (Array.isArray(s.items) ? s.items : []).map((i) => obj(i)).filter((i) => str(i.path)).map((i) => ({ path: str(i.path)!, title: str(i.title) }));
    return { title: str(s.title), items, file: shownPath(dir, structure) };
  }
  const pathway = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('-pathway.json')) : undefined;
  if (pathway && !existsSync(join(dir, 'index.json'))) {
    const p = obj(readJson(join(dir, pathway), shownPath(dir, join(dir, pathway))));
    const items = (Array.isArray(p.courses) ? p.courses : []).map((i) => obj(i)).filter((i) => str(i.course_id)).map((i) => ({ path: str(i.course_id)!, title: str(i.title) }));
    return { title: str(p.title), items, file: shownPath(dir, join(dir, pathway)) };
  }
  return undefined;
}

/** Other hosts' assets (host02 …) the scenario names: kubelab has one host, so they are reported, not placed. */
export function otherHostAssets(dirIn: string): string[] {
  try {
    const index = obj(JSON.parse(readText(join(resolve(dirIn), 'index.json'))));
    return Object.keys(obj(obj(index.details).assets)).filter((h) => h !== 'host01' && h !== 'client');
  } catch {
    return [];
  }
}
