/**
 * Reading the kubeconfig the learner writes (their ~/.kube/config, bind-mounted from the jail)
 * without letting it hurt the server: the file is read through one descriptor and at most
 * `maxBytes` (a bigger one is refused unread), and parsed in a worker thread with a small heap and
 * a deadline, so neither a huge document nor a pathological one (deep nesting, many aliases) can
 * freeze the event loop every terminal shares or run the server out of memory. The worker hands
 * back only what a context needs (current-context and the contexts' names, namespaces, clusters
 * and users, as strings), never the whole document.
 */
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Kubeconfigs are a few KiB; ten times the largest real one is still far below this. */
export const maxLearnerFileBytes = 64 * 1024;
const parseDeadlineMs = 2_000;

export class UntrustedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UntrustedFileError';
  }
}

/** The file's text, or an error when it is larger than maxBytes (read no further than that). */
export async function readBounded(path: string, maxBytes = maxLearnerFileBytes): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > maxBytes) throw new UntrustedFileError(`the file is larger than ${Math.round(maxBytes / 1024)} KiB; a kubeconfig is a few KiB (restore it with Reset lab)`);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    await fh.close();
  }
}

// The worker is plain CommonJS evaluated from this string: the same code runs from dist/ and
// from the TypeScript sources under test.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { parse } = require(workerData.yaml);
const str = (v) => (typeof v === 'string' ? v.slice(0, 253) : undefined);
parentPort.on('message', ({ id, text }) => {
  try {
    const doc = parse(text, { maxAliasCount: 50, prettyErrors: false });
    const contexts = doc && Array.isArray(doc.contexts) ? doc.contexts.slice(0, 1000) : [];
    parentPort.postMessage({ id, doc: {
      'current-context': str(doc && doc['current-context']),
      contexts: contexts.map((c) => {
        const ctx = c && typeof c.context === 'object' && c.context ? c.context : {};
        return { name: str(c && c.name), context: { namespace: str(ctx.namespace), cluster: str(ctx.cluster), user: str(ctx.user) } };
      }),
    } });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err).split('\\n')[0].slice(0, 200) });
  }
});
`;

/** The parts of a kubeconfig a context is made of, each a string or absent. */
export interface ContextsDoc {
  'current-context'?: string;
  contexts?: { name?: string; context?: { namespace?: string; cluster?: string; user?: string } }[];
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (c: ContextsDoc) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

function failAll(err: Error): void {
  for (const [id, w] of waiting) {
    clearTimeout(w.timer);
    w.reject(err);
    waiting.delete(id);
  }
}

function parser(): Worker {
  if (worker) return worker;
  const w = new Worker(workerSource, {
    eval: true,
    workerData: { yaml: createRequire(import.meta.url).resolve('yaml') },
    // A document that needs more than this to parse is not a kubeconfig.
    resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8, stackSizeMb: 2 },
  });
  w.unref();
  w.on('message', (m: { id: number; doc?: ContextsDoc; error?: string }) => {
    const entry = waiting.get(m.id);
    if (!entry) return;
    waiting.delete(m.id);
    clearTimeout(entry.timer);
    if (m.doc) entry.resolve(m.doc);
    else entry.reject(new UntrustedFileError(`it is not valid YAML: ${m.error}`));
  });
  const gone = (err: Error) => {
    if (worker === w) worker = undefined;
    failAll(new UntrustedFileError(`it could not be parsed (${err.message})`));
  };
  w.on('error', gone);
  w.on('exit', (code) => gone(new Error(`the parser stopped with code ${code}`)));
  worker = w;
  return w;
}

/** The contexts of a learner's kubeconfig: read bounded, parsed off the main thread. */
export async function readUntrustedContexts(path: string): Promise<ContextsDoc> {
  const text = await readBounded(path);
  const w = parser();
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new UntrustedFileError(`parsing it took longer than ${parseDeadlineMs / 1000} s`));
      // A parse that does not end is stopped with its worker; the next read starts a new one.
      if (worker === w) worker = undefined;
      void w.terminate();
    }, parseDeadlineMs);
    waiting.set(id, { resolve, reject, timer });
    w.postMessage({ id, text });
  });
}
