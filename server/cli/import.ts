/** kubelab import killercoda: Killercoda scenarios (or a course of them) as kubelab lessons. */
import { resolve } from 'node:path';
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig } from '../config.js';
import { importKillercoda, importSummary } from '../course/import/killercoda/index.js';

const killercoda: Command = {
  path: ['import', 'killercoda'],
  summary: 'Write kubelab lessons from a Killercoda scenario folder (index.json) or course (structure.json); prints a report per step',
  usage: 'import killercoda <scenario-or-course-folder> [--out lessons/NN-name | --out lessons-dir]',
  options: { ...configFlags, out: { type: 'string' } },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const out = typeof values.out === 'string' ? resolve(values.out) : loadConfig(configInput(values) as never).lessonsDir;
    const result = importKillercoda(resolve(positionals[0]!), { out });
    console.log(importSummary(result));
    return 0;
  },
};

export const importCommands: Command[] = [killercoda];
