/**
 * CEL for checks: one environment with the helpers course authors need, compiled plans cached
 * by expression, evaluation that never throws, and `{{ cel }}` message templates.
 *
 * Objects from the API are handed to CEL with whole numbers as CEL ints (as Kubernetes' own CEL
 * does), so `object.spec.replicas == 3` and `object.spec.replicas + 1` both work.
 */
import { celEnv, isCelError, parse, plan, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { helperFuncs } from './cel-helpers.js';
import { toJs } from './cel-js.js';

export { toCel, toJs } from './cel-js.js';

type Expr = ReturnType<typeof parse>['expr'];

const env = celEnv({ funcs: [...strings, ...helperFuncs] });

type Plan = (bindings: Record<string, unknown>) => unknown;
const plans = new Map<string, Plan>();

export type CelOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Why an expression does not compile (syntax, or a function nobody defined), or undefined if it does. */
export function compileProblem(expr: string): string | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expr);
  } catch (err) {
    return (err as Error).message.replace(/^<input>:/, 'at ');
  }
  // Operators (_==_, _[_], @in, @not_strictly_false, …) are the planner's own, not library functions.
  const unknown = [...calledFunctions(parsed.expr)].filter((f) => !/^[_@]/.test(f) && !env.funcs.find(f));
  if (unknown.length) return `unknown function ${unknown.map((f) => `${f}()`).join(', ')}`;
  return undefined;
}

/** Names of every function or method an expression calls (macros are already expanded by the parser). */
function calledFunctions(expr: Expr | undefined, into = new Set<string>()): Set<string> {
  if (!expr) return into;
  const k = expr.exprKind;
  switch (k.case) {
    case 'callExpr':
      into.add(k.value.function);
      calledFunctions(k.value.target, into);
      for (const a of k.value.args) calledFunctions(a, into);
      break;
    case 'selectExpr':
      calledFunctions(k.value.operand, into);
      break;
    case 'listExpr':
      for (const e of k.value.elements) calledFunctions(e, into);
      break;
    case 'structExpr':
      for (const e of k.value.entries) {
        if (e.keyKind.case === 'mapKey') calledFunctions(e.keyKind.value, into);
        calledFunctions(e.value, into);
      }
      break;
    case 'comprehensionExpr':
      for (const e of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) calledFunctions(e, into);
      break;
    default:
      break;
  }
  return into;
}

function planFor(expr: string): Plan {
  let p = plans.get(expr);
  if (!p) {
    const compiled = plan(env, parse(expr));
    p = (bindings) => compiled(bindings as never);
    plans.set(expr, p);
  }
  return p;
}

/** Evaluates an expression; a parse error, a missing field or a type error comes back as { ok: false }. */
export function evaluate(expr: string, bindings: Record<string, unknown>): CelOutcome {
  let result: unknown;
  try {
    result = planFor(expr)(bindings);
  } catch (err) {
    return { ok: false, error: (err as Error).message.replace(/^<input>:/, 'at ') };
  }
  if (isCelError(result)) return { ok: false, error: explainError(result.message) };
  return { ok: true, value: toJs(result as CelValue) };
}

/** CEL's own wording, made to read as a statement about the object. */
function explainError(message: string): string {
  const field = /^field not found: (.+)$/.exec(message);
  if (field) return `the field ${field[1]} is not set`;
  const key = /^(?:key|no such key)[^:]*: (.+)$/.exec(message);
  if (key) return `there is no key ${key[1]}`;
  return message;
}

const placeholder = /\{\{\s*([\s\S]*?)\s*\}\}/g;

/** Problems of a message template: each {{ }} must hold CEL that compiles. */
export function templateProblems(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(placeholder)) {
    if (!m[1]) {
      out.push('empty {{ }} in message');
      continue;
    }
    const p = compileProblem(m[1]);
    if (p) out.push(`CEL in {{${m[1]}}} does not compile: ${p}`);
  }
  return out;
}

/** Fills a template's {{ cel }} placeholders; a value that is not there reads "none". */
export function renderTemplate(template: string, bindings: Record<string, unknown>): string {
  return template.replace(placeholder, (_all, expr: string) => {
    const r = evaluate(expr, bindings);
    return show(r.ok ? r.value : undefined);
  });
}

/** A value as a learner reads it in a message: lists of words joined by commas, nothing as "none". */
function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.every((x) => typeof x !== 'object' || x === null) ? v.map((x) => show(x)).join(', ') : JSON.stringify(v);
  return JSON.stringify(v);
}
