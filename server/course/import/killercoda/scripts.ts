/**
 * The scenario's shell scripts as kubelab runs them. Killercoda starts `background` and types
 * `foreground` at the same moment, so foregrounds wait for a marker file the background writes
 * (`while [ ! -f /tmp/finished ]; do sleep 1; done`). kubelab types the foreground only after
 * setup has finished, and the marker lives in the host view, not in the learner's shell: such
 * waits are dropped, or they would wait forever.
 */

/** Files a background script creates as a "done" signal: touch X, > X, echo … > X. */
export function markerFiles(background: string): string[] {
  const files = new Set<string>();
  for (const m of background.matchAll(/\btouch\s+((?:[^\s;&|]+\s*)+)/g)) for (const f of m[1]!.trim().split(/\s+/)) files.add(f);
  for (const m of background.matchAll(/(?:^|[;&|\s])(?:echo[^>\n]*|printf[^>\n]*|:)?\s*>>?\s*([^\s;&|]+)/gm)) files.add(m[1]!);
  return [...files].filter((f) => f.startsWith('/') || f.startsWith('~'));
}

/** A line that waits for a file to exist: while [ ! -f F ] / until [ -f F ] / until test -e F / inotifywait. */
function waitsFor(line: string, markers: string[]): boolean {
  if (!/^\s*(while|until)\b/.test(line) && !/inotifywait/.test(line)) return false;
  if (!/\s-[efsd]\s/.test(line) && !/inotifywait/.test(line)) return false;
  // Any file, when the background's markers are unknown: a foreground that waits on a file waits on setup.
  return markers.length === 0 || markers.some((m) => line.includes(m)) || /\/tmp\/|\/root\/|~\//.test(line);
}

/** The foreground without its waits for the background; what was dropped, for the report. */
export function withoutWaits(foreground: string, markers: string[]): { text: string; dropped: string[] } {
  const lines = foreground.split('\n');
  const out: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!waitsFor(line, markers)) {
      out.push(line);
      continue;
    }
    dropped.push(line.trim());
    // A loop over several lines: drop up to its matching done.
    if (!/\bdone\b/.test(line)) {
      let depth = 1;
      while (++i < lines.length && depth > 0) {
        if (/^\s*(while|until|for)\b/.test(lines[i]!)) depth++;
        if (/\bdone\b/.test(lines[i]!)) depth--;
      }
      i--;
    }
  }
  return { text: out.join('\n'), dropped };
}

/** A script as a file of the exercise: a shebang when it has none, LF line ends. */
export function asScript(text: string): string {
  const body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return (body.startsWith('#!') ? body : `#!/bin/bash\n${body}`).replace(/\n*$/, '\n');
}

/** Lines a reference solution leaves out: they wait for a person (editors, watches, shells). */
const interactive = /^\s*(vi|vim|nano|emacs|less|more|watch|top|htop|k9s|ssh|exit|logout|clear|read)\b|\b(kubectl|k)\s+edit\b|\s(-w|--watch)(\s|$)|\s-it?\s+\S+.*\s(sh|bash)\s*$|\s-it\b/;

/** The commands of a step as one script a learner would type, without the interactive ones. */
export function solutionScript(commands: string[]): { script: string; skipped: string[] } {
  const kept: string[] = [];
  const skipped: string[] = [];
  for (const block of commands) {
    for (const line of block.split('\n')) {
      if (interactive.test(line) && !/<<\s*-?['"]?\w+/.test(line)) {
        skipped.push(line.trim());
        kept.push(`# left out (it waits for a person): ${line.trim()}`);
      } else kept.push(line);
    }
  }
  return { script: kept.join('\n'), skipped };
}
