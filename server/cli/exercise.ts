/** kubelab exercise setup | solve, kubelab check, kubelab lint — filled in by the grading module. */
import type { Command } from './common.js';

export const exerciseCommands: Command[] = [];
