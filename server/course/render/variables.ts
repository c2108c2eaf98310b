/**
 * Lab variables in lesson text: {{worker1}}, {{worker2}}, {{namespace}}, {{lab}}. Each becomes a
 * <span class="lab-var" data-var="…"> holding the escaped value; before the lab is ready it holds
 * the name, marked pending, and the page fills it once the lab reports its facts.
 * Course variables are the same for every lab and filled as plain text: {{kubernetesVersion}}
 * (v1.37.2) and {{kubernetesMinor}} (1.37), the release labs run, from the pins.
 */
import { pinnedVersions } from '../../../sandbox/index.js';
import { escapeHtml } from '../../http/html.js';

export const variablePattern = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

/** Names every lab has (any provider), so they can be shown pending before the lab exists. */
const wellKnown = /^(lab|namespace|worker[1-9][0-9]?)$/;

const kubernetesVersion = pinnedVersions().kubernetes;
export const courseVariables: Record<string, string> = {
  kubernetesVersion,
  kubernetesMinor: kubernetesVersion.replace(/^v(\d+\.\d+).*$/, '$1'),
};

/** Replaces variables in already-escaped HTML text with their spans. */
export function fillHtml(escaped: string, vars: Record<string, string> | undefined): string {
  return escaped.replace(variablePattern, (all, name: string) => {
    if (Object.hasOwn(courseVariables, name)) return escapeHtml(courseVariables[name]!);
    const value = vars?.[name];
    if (value !== undefined) return `<span class="lab-var" data-var="${escapeHtml(name)}">${escapeHtml(value)}</span>`;
    if (!vars && wellKnown.test(name)) return `<span class="lab-var pending" data-var="${escapeHtml(name)}">${escapeHtml(name)}</span>`;
    return all;
  });
}

/** Replaces variables in plain text (attribute values such as alt text): the value, or the name. */
export function fillText(text: string, vars: Record<string, string> | undefined): string {
  return text.replace(variablePattern, (all, name: string) => (Object.hasOwn(courseVariables, name) ? courseVariables[name]! : (vars?.[name] ?? (wellKnown.test(name) ? name : all))));
}
