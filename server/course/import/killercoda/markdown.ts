/**
 * A scenario's markdown as kubelab lesson markdown, keeping the author's text:
 *
 *   `cmd`{{exec}}              → `cmd` in the sentence, and a ```bash run block after the line
 *   ```…```{{exec}}            → ```bash run (``` bash run interrupt for {{exec interrupt}})
 *   {{copy}}, {{}}, {{open}}   → plain code (every kubelab code block has Copy)
 *   {{TRAFFIC_HOST1_80}}       → http://localhost:80, with a note (no traffic proxy here)
 *   <details><summary>Solution</summary> … </details> → :::solution … :::  (other summaries: :::hint)
 *   <br>, <b>, <i>, <code>, <a>, <img>, <kbd>, <hr> → markdown; other tags dropped (raw HTML is off)
 *   node01, node02, controlplane → {{worker1}}, … (lab variables, filled with the lab's node names)
 *
 * Katacoda's {{execute}}, {{execute interrupt}}, {{execute T2}} and {{execute HOST2}} are read as
 * {{exec}}. Headings inside a step move below the step's own heading.
 */
import { commandNeeds, type Need } from './needs.js';

export interface RunBlock {
  code: string;
  /** Inside a <details> whose summary says solution or answer. */
  inSolution: boolean;
}

export interface Converted {
  markdown: string;
  /** Commands the text runs in the terminal, in order. */
  runs: RunBlock[];
  /** Other shell blocks inside a Solution section (no marker): also what a learner would type. */
  solutionCode: string[];
  /** What changed beyond the markers, said once each. */
  changes: Set<string>;
  needs: Need[];
}

export interface TextContext {
  /** Scenario node name → lab variable name. */
  nodeNames: Record<string, string>;
}

const marker = /\{\{\s*(exec(?:ute)?(?:\s+[^}]*)?|copy|open(?:\s+[^}]*)?|)\s*\}\}/;
const fenceOpen = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;

/** Node names of the scenario → lab variables, where they stand as a word (not node01.yaml). */
export function mapNodeNames(text: string, ctx: TextContext, to: (variable: string) => string): string {
  let out = text;
  for (const [name, variable] of Object.entries(ctx.nodeNames)) {
    out = out.replace(new RegExp(`(?<![A-Za-z0-9_.-])${name}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'g'), to(variable));
  }
  return out;
}

/** A command as it goes into a Run block: without a prompt the author copied along (controlplane $ …). */
function cleanCommand(code: string): string {
  return code
    .split('\n')
    .map((l) => l.replace(/^\s*(?:controlplane|node0\d|[\w.-]+@[\w.-]+(?::\S*)?)\s*[$#]\s+/, '').replace(/^\s*\$\s+/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

function trafficOf(text: string, changes: Set<string>): string {
  return text
    .replace(/\{\{\s*TRAFFIC_HOST(\d+)_(\d+)\s*\}\}/g, (_m, _h: string, port: string) => {
      changes.add(`links to a port of the scenario's host ({{TRAFFIC_HOST…_${port}}}) point at http://localhost:${port}: kubelab has no traffic proxy, so they open only where that port is forwarded`);
      return `http://localhost:${port}`;
    })
    .replace(/\{\{\s*TRAFFIC_SELECTOR\s*\}\}/g, () => {
      changes.add("the scenario's traffic-port selector ({{TRAFFIC_SELECTOR}}) has no counterpart in kubelab");
      return '';
    })
    .replace(/https?:\/\/\[\[HOST_SUBDOMAIN\]\]-(\d+)-\[\[KATACODA_HOST\]\]\.environments\.katacoda\.com\/?/g, (_m, port: string) => {
      changes.add(`Katacoda host links on port ${port} point at http://localhost:${port}`);
      return `http://localhost:${port}/`;
    })
    .replace(/\[\[(HOST\d*_IP|HOST_IP)\]\]/g, () => {
      changes.add("the host's IP address ([[HOST_IP]]) reads 127.0.0.1");
      return '127.0.0.1';
    });
}

/** Inline HTML (outside code) as markdown; returns the text and whether anything was dropped. */
function htmlToMarkdown(line: string, changes: Set<string>): string {
  let l = line
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<hr\s*\/?>/gi, '\n---\n')
    .replace(/<\/?(b|strong)>/gi, '**')
    .replace(/<\/?(i|em)>/gi, '*')
    .replace(/<\/?(code|kbd|tt)>/gi, '`')
    .replace(/<img\s[^>]*?src=["']([^"']+)["'][^>]*?>/gi, (m, src: string) => `![${/alt=["']([^"']*)["']/i.exec(m)?.[1] || 'image'}](${src})`)
    .replace(/<a\s[^>]*?href=["']([^"']+)["'][^>]*>(.*?)<\/a>/gi, (_m, href: string, t: string) => `[${t}](${href})`);
  const before = l;
  l = l.replace(/<\/?(p|div|span|center|small|big|sup|sub|u|font|section|article|table|thead|tbody|tr|td|th|ul|ol|li|h[1-6]|pre|iframe|style|script|button|input|label|form|a)\b[^>]*>/gi, '');
  if (l !== before) changes.add('HTML tags the lesson format does not render were dropped (their text is kept)');
  return l;
}

/** Converts one page's markdown. */
export function convertMarkdown(source: string, ctx: TextContext): Converted {
  const changes = new Set<string>();
  const runs: RunBlock[] = [];
  const solutionCode: string[] = [];
  const needs: Need[] = [];
  const out: string[] = [];
  // <details> sections open: true for a solution, false for a hint.
  const details: boolean[] = [];
  const inSolution = () => details.includes(true);
  const lines = source.split('\n');
  const varOf = (v: string) => `{{${v}}}`;
  const mapNodes = (t: string) => {
    const m = mapNodeNames(t, ctx, varOf);
    if (m !== t) changes.add(`node names (${Object.keys(ctx.nodeNames).join(', ')}) read as the lab's own ({{worker1}}, …)`);
    return m;
  };

  const addRun = (code: string, interrupt: boolean, indent: string) => {
    const cmd = cleanCommand(code);
    const need = commandNeeds(cmd);
    needs.push(...need);
    runs.push({ code: cmd, inSolution: inSolution() });
    const flags = ['run', ...(need.some((n) => n.kind === 'containers') ? ['needs-containers'] : []), ...(interrupt ? ['interrupt'] : [])];
    out.push(`${indent}\`\`\`bash ${flags.join(' ')}`, ...mapNodes(cmd).split('\n').map((l) => indent + l), `${indent}\`\`\``);
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = fenceOpen.exec(line);
    if (open) {
      const [, indent = '', fence = '```', info = ''] = open;
      const body: string[] = [];
      let j = i + 1;
      let closing: RegExpExecArray | null = null;
      const closeRe = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*(\\{\\{[^}]*\\}\\})?\\s*$`);
      for (; j < lines.length; j++) {
        closing = closeRe.exec(lines[j]!);
        if (closing) break;
        body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
      }
      i = j;
      const m = closing?.[1] ? marker.exec(closing[1]) : null;
      const kind = m ? m[1]!.trim() : '';
      const code = body.join('\n');
      if (/^exec/.test(kind)) {
        if (/\b(T\d|HOST\d)\b/i.test(kind) && !/HOST1\b/i.test(kind)) changes.add(`commands meant for another terminal or host (${kind}) run in the one terminal`);
        addRun(code, /interrupt/.test(kind), indent);
      } else {
        const lang = info.trim().split(/\s+/)[0] ?? '';
        if (inSolution() && (lang === '' || /^(bash|sh|shell|console)$/.test(lang))) solutionCode.push(cleanCommand(code));
        if (closing?.[1] && !m) changes.add(`the unknown marker ${closing[1]} was left out`);
        // Author's plain blocks: kept, with lab variables for node names; never runnable here.
        out.push(`${indent}\`\`\`${lang}`, ...mapNodes(code).split('\n').map((l) => indent + l), `${indent}\`\`\``);
      }
      continue;
    }

    // <details>/<summary> become kubelab's collapsed sections, on lines of their own.
    let l = line;
    const parts: string[] = [];
    const detailsRe = /<details[^>]*>\s*(?:<summary[^>]*>(.*?)<\/summary>)?|<summary[^>]*>(.*?)<\/summary>|<\/details>/gi;
    let last = 0;
    for (const d of l.matchAll(detailsRe)) {
      parts.push(l.slice(last, d.index));
      last = d.index! + d[0].length;
      if (/^<\/details>/i.test(d[0])) {
        if (details.length) {
          details.pop();
          parts.push('\n:::\n');
        }
      } else if (/^<details/i.test(d[0])) {
        const summary = (d[1] ?? '').replace(/<[^>]+>/g, '').trim();
        const solution = /solution|answer|lösung|solución|resposta/i.test(summary) || summary === '';
        details.push(solution);
        parts.push(solution ? '\n:::solution\n' : `\n:::hint ${summary}\n`);
      } else {
        // A <summary> on a line after its <details>: a summary that is not "Solution" makes it a hint.
        const summary = (d[2] ?? '').replace(/<[^>]+>/g, '').trim();
        let k = out.length - 1;
        while (k >= 0 && out[k]!.trim() === '') k--;
        if (details.length && k >= 0 && out[k]!.trim() === ':::solution' && summary && !/solution|answer/i.test(summary)) {
          out[k] = `:::hint ${summary}`;
          details[details.length - 1] = false;
        }
      }
    }
    parts.push(l.slice(last));
    l = parts.join('');

    // Headings of the step move under the step's own ## heading.
    l = l.replace(/^(#{1,4})(\s)/, (_m, h: string, s: string) => `${'#'.repeat(Math.min(6, h.length + 2))}${s}`);

    // Inline markers: `cmd`{{exec}} keeps `cmd` in the sentence and puts a Run block after the line.
    const pendingRuns: { code: string; interrupt: boolean }[] = [];
    l = l.replace(/`([^`\n]+)`\s?\{\{\s*([^}]*)\s*\}\}/g, (_m, code: string, kind: string) => {
      const k = kind.trim();
      if (/^exec/.test(k)) pendingRuns.push({ code, interrupt: /interrupt/.test(k) });
      else if (k && !/^(copy|open)/.test(k)) changes.add(`the unknown marker {{${k}}} was left out`);
      return `\`${code}\``;
    });
    l = trafficOf(l, changes);
    // HTML outside inline code only.
    l = l
      .split(/(`[^`]*`)/)
      .map((seg, n) => (n % 2 === 1 ? seg : htmlToMarkdown(seg, changes)))
      .join('');
    if (l !== line && /<br|<details|<summary|<\/details/i.test(line)) changes.add('HTML sections (<details>, <br>) became collapsed sections and paragraphs');
    const indent = /^(\s*(?:[-*+]|\d+\.)\s+)/.exec(line)?.[1]?.replace(/./g, ' ') ?? '';
    // A line that is only the command (maybe a list item): the Run block takes its place.
    const alone = pendingRuns.length === 1 && /^\s*(?:(?:[-*+]|\d+\.)\s+)?`[^`]+`\s*$/.test(l);
    if (alone && !indent) {
      addRun(pendingRuns[0]!.code, pendingRuns[0]!.interrupt, '');
      continue;
    }
    out.push(...mapNodes(l).split('\n'));
    for (const r of pendingRuns) {
      out.push('');
      addRun(r.code, r.interrupt, indent);
      out.push('');
    }
  }
  while (details.pop() !== undefined) out.push(':::');
  return { markdown: out.join('\n').replace(/\n{3,}/g, '\n\n').trim(), runs, solutionCode, changes, needs };
}
