/**
 * The kubelab CLI: one entry, one command table. Each command lives in server/cli/<name>.ts and
 * declares its own flags; errors print as one clear line (plus a hint) and a non-zero exit.
 */
import { parseArgs } from 'node:util';
import { messageOf } from './errors.js';
import { reportError, type Command } from './cli/common.js';
import { serveCommand } from './cli/serve.js';
import { setupCommand } from './cli/setup.js';
import { labCommands } from './cli/lab.js';
import { exerciseCommands } from './cli/exercise.js';
import { userCommands } from './cli/user.js';
import { doctorCommand } from './cli/doctor.js';
import { imagesCommands } from './cli/images.js';
import { importCommands } from './cli/import.js';

export const commands: Command[] = [serveCommand, setupCommand, ...labCommands, ...exerciseCommands, ...userCommands, ...imagesCommands, doctorCommand, ...importCommands];

function usage(): string {
  // Each command on its own line with its summary indented below: usages vary too much in length for columns.
  return ['Usage: kubelab <command> [options]', '', ...commands.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`])].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const command = commands
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!command) {
    console.error(`kubelab: unknown command "${argv.slice(0, 2).join(' ')}". Run \`kubelab --help\` for the list.`);
    return 2;
  }
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: kubelab ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`kubelab ${command.path.join(' ')}: ${messageOf(err).replace(/^TypeError \[[A-Z_]+\]: /, '')}\nUsage: kubelab ${command.usage}`);
    return 2;
  }
  const [min, max] = command.positionals ?? [0, 0];
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    console.error(`kubelab ${command.path.join(' ')}: expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}\nUsage: kubelab ${command.usage}`);
    return 2;
  }
  try {
    return await command.run({ values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals });
  } catch (err) {
    return reportError(`kubelab ${command.path.join(' ')}`, err);
  }
}

