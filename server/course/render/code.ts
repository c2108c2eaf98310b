/**
 * Fenced code blocks: ```bash run blocks get Run (types the block into the learner's terminal) and
 * Copy; ```bash run needs-containers blocks say they need a cluster that runs containers; ```bash run
 * interrupt blocks send Ctrl-C before the command; every
 * other block gets Copy.
 */
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../../http/html.js';
import { fillHtml, fillText } from './variables.js';
import type { RenderEnv } from './env.js';

const shells = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

export const needsContainersNote =
  'Needs a cluster that runs containers (kind, minikube or a real cluster). On the built-in lab the nodes are simulated, so this command fails or shows nothing.';

export function codeBlocks(md: MarkdownIt): void {
  md.renderer.rules.fence = (tokens, idx, _options, env: RenderEnv) => {
    const token = tokens[idx]!;
    const [lang = '', ...flags] = token.info.trim().split(/\s+/);
    const runnable = flags.includes('run') && shells.has(lang);
    const needsContainers = runnable && flags.includes('needs-containers');
    const expectFail = runnable && flags.includes('expect-fail');
    // `interrupt`: Run first sends Ctrl-C, to stop what the terminal is running (a watch, a server).
    const interrupt = runnable && flags.includes('interrupt');
    const code = fillHtml(escapeHtml(token.content), env.vars);
    // The button's label names the command as the learner sees it: lab variables filled.
    const firstLine = fillText(token.content.split('\n')[0]!.trim(), env.vars);
    const label = firstLine.length > 60 ? `${firstLine.slice(0, 57)}…` : firstLine;
    const classes = ['code-block', runnable && 'runnable', needsContainers && 'needs-containers'].filter(Boolean).join(' ');
    return (
      `<div class="${classes}">` +
      `<div class="code-toolbar"><span class="code-lang">${escapeHtml(lang || 'text')}</span>` +
      (needsContainers ? `<span class="badge badge-containers" title="${escapeHtml(needsContainersNote)}">needs containers</span>` : '') +
      (expectFail ? `<span class="badge badge-fails" title="This command shows an error on purpose: read what it says.">fails on purpose</span>` : '') +
      `<span class="spacer"></span>` +
      (runnable ? `<button type="button" data-action="run"${interrupt ? ' data-interrupt="true"' : ''} aria-label="${escapeHtml(`Run in the terminal: ${label}`)}">Run</button>` : '') +
      `<button type="button" data-action="copy" aria-label="${escapeHtml(`Copy: ${label}`)}">Copy</button>` +
      `</div><pre><code${lang ? ` class="language-${escapeHtml(lang)}"` : ''}>${code}</code></pre></div>\n` +
      (needsContainers ? `<p class="needs-containers-note">${escapeHtml(needsContainersNote)}</p>\n` : '')
    );
  };
  md.renderer.rules.code_block = (tokens, idx, _options, env: RenderEnv) =>
    `<div class="code-block"><div class="code-toolbar"><span class="code-lang">text</span><span class="spacer"></span><button type="button" data-action="copy" aria-label="Copy">Copy</button></div><pre><code>${fillHtml(escapeHtml(tokens[idx]!.content), env.vars)}</code></pre></div>\n`;
  md.renderer.rules.code_inline = (tokens, idx, _options, env: RenderEnv) => `<code>${fillHtml(escapeHtml(tokens[idx]!.content), env.vars)}</code>`;
}
