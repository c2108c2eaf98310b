/**
 * YAML read with positions: parse errors and schema problems point at file:line, so an author
 * finds the offending field without guessing.
 */
import { LineCounter, parseDocument, isNode, isMap, isPair, isScalar, type Document } from 'yaml';
import type { ZodError, ZodIssue, ZodType, ZodTypeDef } from 'zod';

export interface LintProblem {
  file: string;
  line: number;
  message: string;
}

export interface LocatedYaml {
  value: unknown;
  problems: LintProblem[];
  /** File line of the node at `path` (or of its nearest existing parent). */
  lineOf(path: (string | number)[]): number;
}

/** Parses YAML text that starts at `firstLine` of `file` (front matter starts at line 2). */
export function parseLocated(text: string, file: string, firstLine = 1): LocatedYaml {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const toLine = (offset: number) => lc.linePos(offset).line + firstLine - 1;
  // Only the first syntax error: the ones after it are usually echoes of it.
  const problems: LintProblem[] = doc.errors.slice(0, 1).map((e) => ({ file, line: toLine(e.pos[0]), message: `YAML: ${firstSentence(e.message)}` }));
  const lineOf = (path: (string | number)[]) => nodeLine(doc, path, toLine) ?? firstLine;
  return { value: problems.length ? undefined : doc.toJS(), problems, lineOf };
}

function firstSentence(message: string): string {
  return message.split('\n')[0]!.trim();
}

function nodeLine(doc: Document, path: (string | number)[], toLine: (o: number) => number): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const node = n === 0 ? doc.contents : doc.getIn(prefix, true);
    // A key that exists with an empty value still has a line: the key's.
    if (n > 0 && (node === undefined || node === null || (isScalar(node) && !node.range))) {
      const parent = n === 1 ? doc.contents : doc.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === prefix[n - 1]);
        if (pair && isNode(pair.key) && pair.key.range) return toLine(pair.key.range[0]);
      }
      continue;
    }
    if (isNode(node) && node.range) return toLine(node.range[0]);
  }
  return undefined;
}

/** One readable sentence per zod issue, with the path it concerns (unknown keys point at the key). */
export function describeIssue(issue: ZodIssue): { path: (string | number)[]; message: string } {
  const where = issue.path.length ? issue.path.join('.') : '';
  if (issue.code === 'unrecognized_keys') {
    return { path: [...issue.path, issue.keys[0]!], message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where ? ` in ${where}` : ''}` };
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') {
    return { path: issue.path, message: `${where || 'value'} is required` };
  }
  return { path: issue.path, message: where ? `${where}: ${issue.message}` : issue.message };
}

/** Validates a located YAML value with a zod schema; problems carry file:line. */
export function validate<T>(located: LocatedYaml, schema: ZodType<T, ZodTypeDef, unknown>, file: string): { data?: T; problems: LintProblem[] } {
  if (located.problems.length) return { problems: located.problems };
  const r = schema.safeParse(located.value);
  if (r.success) return { data: r.data, problems: [] };
  return { problems: zodProblems(r.error, located, file) };
}

export function zodProblems(error: ZodError, located: LocatedYaml, file: string): LintProblem[] {
  return error.issues.map((issue) => {
    const { path, message } = describeIssue(issue);
    return { file, line: located.lineOf(path), message };
  });
}
