/**
 * The lesson's ::: blocks: hint and solution (collapsed, opened on request), note, tip and
 * warning (admonitions), and exercise (where the exercise panel goes).
 */
import type MarkdownIt from 'markdown-it';
import type { PluginWithParams, Token } from 'markdown-it';
import markdownItContainer from 'markdown-it-container';
import { escapeHtml } from '../../http/html.js';
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
  withoutRevealsInChallenge(md);

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

/**
 * Challenge mode: every hint and solution block, with all it contains, is taken out of the token
 * stream before rendering, and a one-line note stands where it was. Its content never reaches the page.
 */
function withoutRevealsInChallenge(md: MarkdownIt): void {
  md.core.ruler.push('challenge', (state) => {
    if (!(state.env as RenderEnv).challenge) return;
    const out: Token[] = [];
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const kind = t.type === 'container_hint_open' ? 'hint' : t.type === 'container_solution_open' ? 'solution' : undefined;
      if (!kind) {
        out.push(t);
        continue;
      }
      let j = i + 1;
      while (j < tokens.length && !(tokens[j]!.type === `container_${kind}_close` && tokens[j]!.level === t.level)) j++;
      const note = new state.Token('challenge_hidden', '', 0);
      note.info = kind;
      note.level = t.level;
      note.block = true;
      out.push(note);
      i = j;
    }
    state.tokens = out;
  });
  md.renderer.rules.challenge_hidden = (tokens, idx) =>
    `<p class="challenge-hidden" data-hidden="${tokens[idx]!.info}">${tokens[idx]!.info === 'hint' ? 'A hint' : 'A solution'} is hidden here: challenge mode is on.</p>\n`;
}
