/**
 * script checks (the Educates examiner model): an executable from the exercise folder, run with
 * argv only (no shell) outside the learner's jail, the grader kubeconfig in $KUBECONFIG, JSON on
 * stdin, a hard timeout that kills its whole process group. Exit 0 passes; stdout is the message.
 */
import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { run, runInHostView } from '../../sandbox/index.js';
import type { Exercise } from '../course/exercise.js';
import type { ScriptCheck } from './schema.js';
import { hostViewSpec, scriptEnv, type GradingTarget } from './target.js';
import type { Verdict } from './result.js';

const maxMessage = 500;

export async function evaluateScript(check: ScriptCheck, exercise: Pick<Exercise, 'id' | 'dir' | 'hostView'>, t: GradingTarget): Promise<Verdict> {
  const file = join(exercise.dir, check.script);
  // The schema allows only relative paths without '..'; a symlink must not lead out of the folder either.
  let inside = false;
  try {
    inside = realpathSync(file).startsWith(realpathSync(exercise.dir) + sep);
  } catch {
    return { passed: false, message: `the check script ${check.script} could not start: ENOENT` };
  }
  if (!inside) return { passed: false, message: `the check script ${check.script} lies outside the exercise folder and was not run` };
  const input = JSON.stringify({ exercise: exercise.id, check: check.title, lab: { name: t.name, variables: t.variables, workers: t.workers } });
  let r;
  try {
    const timeoutMs = check.timeoutSeconds * 1000;
    // An imported scenario's check: the learner's home read-only at /root, the grader credential.
    r = exercise.hostView
      ? await runInHostView(hostViewSpec(t, exercise, t.grader, false), check.script, check.args, { input, timeoutMs })
      : await run(file, check.args, { env: scriptEnv(t, t.grader), cwd: exercise.dir, input, timeoutMs });
  } catch (err) {
    return { passed: false, message: `the check script ${check.script} could not start: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  const out = r.stdout.trim().slice(0, maxMessage);
  if (r.timedOut) return { passed: false, message: `the check script ${check.script} did not finish within ${check.timeoutSeconds} s and was stopped` };
  if (r.code === 0) return { passed: true, message: out || check.title };
  return { passed: false, message: out || r.stderr.trim().split('\n').slice(-1)[0]?.slice(0, maxMessage) || `the check script ${check.script} failed (exit ${r.code})` };
}
