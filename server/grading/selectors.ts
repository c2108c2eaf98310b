/**
 * Label selectors as the API server reads them: a LabelSelector object (matchLabels and
 * matchExpressions), a plain label map (Service and ReplicationController style), or the string
 * form kubectl takes ("app=web,tier!=db,env in (a,b),!legacy").
 */
type Labels = Record<string, string>;
interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export function requirementsOf(selector: unknown): Requirement[] | undefined {
  if (typeof selector === 'string') return parseSelectorString(selector);
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) return undefined;
  const s = selector as Record<string, unknown>;
  const isLabelSelector = 'matchLabels' in s || 'matchExpressions' in s;
  const reqs: Requirement[] = [];
  const labels = (isLabelSelector ? s.matchLabels : s) ?? {};
  if (typeof labels !== 'object' || labels === null) return undefined;
  for (const [key, value] of Object.entries(labels)) reqs.push({ key, operator: 'In', values: [String(value)] });
  if (isLabelSelector && Array.isArray(s.matchExpressions)) {
    for (const e of s.matchExpressions as { key?: unknown; operator?: unknown; values?: unknown }[]) {
      const op = e.operator;
      if (typeof e.key !== 'string' || (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist')) return undefined;
      reqs.push({ key: e.key, operator: op, values: Array.isArray(e.values) ? e.values.map(String) : [] });
    }
  }
  return reqs;
}

function parseSelectorString(text: string): Requirement[] | undefined {
  const reqs: Requirement[] = [];
  // Split on commas that are not inside a (a,b) value set.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0 || depth > 1) return undefined;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) return undefined;
  parts.push(cur);
  for (const raw of parts.map((p) => p.trim())) {
    if (!raw) {
      if (parts.length > 1) return undefined; // "a=b,,c" is a typo, not "match everything"
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw))) {
      reqs.push({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values: m[3]!.split(',').map((v) => v.trim()) });
    } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(raw))) {
      reqs.push({ key: m[1]!, operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]!] });
    } else if ((m = /^!\s*([\w./-]+)$/.exec(raw))) {
      reqs.push({ key: m[1]!, operator: 'DoesNotExist', values: [] });
    } else if ((m = /^([\w./-]+)$/.exec(raw))) {
      reqs.push({ key: m[1]!, operator: 'Exists', values: [] });
    } else {
      return undefined;
    }
  }
  return reqs;
}

/** Whether `labels` satisfy `selector`; undefined when the selector cannot be read. */
export function selectorMatches(selector: unknown, labels: Labels): boolean | undefined {
  const reqs = requirementsOf(selector);
  if (!reqs) return undefined;
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        return has && r.values.includes(labels[r.key]!);
      case 'NotIn':
        return !has || !r.values.includes(labels[r.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}
