/** kubelab user add — filled in by the accounts module. */
import type { Command } from './common.js';

export const userCommands: Command[] = [];
