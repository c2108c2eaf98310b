/**
 * The lesson's ::: blocks: hint and solution (collapsed, opened on request), note, tip and
 * warning (admonitions), and exercise (where the exercise panel goes).
 */
import type MarkdownIt from 'markdown-it';
import type { PluginWithParams, Token } from 'markdown-it';
import markdownItContainer from 'markdown-it-container';
import { escapeHtml } from '../pages.js';
import type { RenderEnv } from './env.js';
import { exerciseClose, exerciseOpen } from './exercise.js';

// The plugin's published types describe the CommonJS build of markdown-it; it is the same plugin.
const container = markdownItContainer as unknown as PluginWithParams;

const admonitions = { note: 'Note', tip: 'Tip', warning: 'Warning' } as const;

/** `:::name rest` → rest. */
const paramsOf = (info: string, name: string) => info.trim().slice(name.length).trim();

export function containers(md: MarkdownIt): void {
  const reveal = (name: 'hint' | 'solution', label: string, fallback: string) =>
    md.use(container, name, {
      validate: (params: string) => new RegExp(`^${name}(\\s|$)`).test(params.trim()),
      render: (tokens: Token[], idx: number, _o: unknown, env: RenderEnv) => {
        const t = tokens[idx]!;
        if (t.nesting !== 1) return '</div></details>\n';
        const title = paramsOf(t.info, name);
        return `<details class="reveal ${name}" data-reveal="${name}"><summary><span class="kind">${label}</span> ${title ? md.renderInline(title, env) : escapeHtml(fallback)}</summary><div class="reveal-body">\n`;
      },
    });
  reveal('hint', 'Hint', 'Show a hint');
  reveal('solution', 'Solution', 'Show the solution');

  for (const [name, label] of Object.entries(admonitions)) {
    md.use(container, name, {
      validate: (params: string) => new RegExp(`^${name}(\\s|$)`).test(params.trim()),
      render: (tokens: Token[], idx: number, _o: unknown, env: RenderEnv) => {
        const t = tokens[idx]!;
        if (t.nesting !== 1) return '</aside>\n';
        const title = paramsOf(t.info, name);
        return `<aside class="admonition ${name}" role="note" aria-label="${label}"><p class="admonition-title">${title ? md.renderInline(title, env) : label}</p>\n`;
      },
    });
  }

  md.use(container, 'exercise', {
    validate: (params: string) => /^exercise\s+\S+/.test(params.trim()),
    render: (tokens: Token[], idx: number, _o: unknown, env: RenderEnv) => {
      const t = tokens[idx]!;
      if (t.nesting === 1) return exerciseOpen(md, paramsOf(t.info, 'exercise'), env);
      // The closing token does not carry the id: find the matching opening one.
      let depth = 0;
      for (let i = idx - 1; i >= 0; i--) {
        const o = tokens[i]!;
        if (o.type === 'container_exercise_close') depth++;
        if (o.type === 'container_exercise_open') {
          if (depth === 0) return exerciseClose(paramsOf(o.info, 'exercise'), env);
          depth--;
        }
      }
      return '</section>\n';
    },
  });
}
