/**
 * Inline pieces of lesson markdown: lab variables in text, lesson images (only from the lesson's
 * own images/ folder), external links opening beside the terminal, and anchors on headings.
 */
import type MarkdownIt from 'markdown-it';
import type { RenderEnv } from './env.js';
import { escapeHtml } from '../../http/html.js';
import { fillHtml, fillText } from './variables.js';

/** What an image reference may name: a file directly in the lesson's images/ folder. */
export const lessonImagePattern = /^images\/([A-Za-z0-9][A-Za-z0-9._-]*\.(?:svg|png|jpe?g|gif|webp))$/;

export function inlineRules(md: MarkdownIt): void {
  md.renderer.rules.text = (tokens, idx, _o, env: RenderEnv) => fillHtml(escapeHtml(tokens[idx]!.content), env.vars);

  md.renderer.rules.image = (tokens, idx, _o, env: RenderEnv) => {
    const token = tokens[idx]!;
    const alt = fillText(md.renderer.renderInlineAsText(token.children ?? [], md.options, env), env.vars);
    const src = token.attrGet('src') ?? '';
    const m = lessonImagePattern.exec(src);
    if (!m) return `<span class="image-missing">[image not shown: ${escapeHtml(alt)}]</span>`;
    const title = token.attrGet('title');
    const url = `/lessons/${encodeURIComponent(env.lessonId)}/images/${encodeURIComponent(m[1]!)}`;
    const diagram = m[1]!.endsWith('.svg') ? ' class="diagram"' : '';
    return `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}"${title ? ` title="${escapeHtml(fillText(title, env.vars))}"` : ''}${diagram} loading="lazy" decoding="async">`;
  };

  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const href = tokens[idx]!.attrGet('href') ?? '';
    if (/^https?:\/\//i.test(href)) {
      // Leaving the page would leave the terminal: outside links open beside it.
      tokens[idx]!.attrSet('target', '_blank');
      tokens[idx]!.attrSet('rel', 'noopener noreferrer');
    }
    return defaultLinkOpen(tokens, idx, options, env, self);
  };

  md.core.ruler.push('heading_ids', (state) => {
    const env = state.env as RenderEnv;
    const used = (env.headingIds ??= new Set());
    state.tokens.forEach((t, i) => {
      if (t.type !== 'heading_open') return;
      const text = state.tokens[i + 1]?.children?.map((c) => c.content).join('') ?? '';
      const base = fillText(text, env.vars).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'section';
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
      t.attrSet('id', id);
    });
  });
}
