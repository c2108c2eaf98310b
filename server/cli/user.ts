/** kubelab user add | list | passwd: local accounts, e.g. the first admin of an accounts-mode server. */
import { createInterface } from 'node:readline';
import { configFlags, configInput, type Command } from './common.js';
import { loadConfig } from '../config.js';
import { UserError } from '../errors.js';
import { databasePath, openStore } from '../store.js';
import { hashPassword, passwordProblem } from '../accounts.js';
import type { Role } from '../store/users.js';

const roles: Role[] = ['learner', 'instructor', 'admin'];
export { usernamePattern } from '../accounts/passwords.js';
import { usernamePattern } from '../accounts/passwords.js';

/** The password: the first line of stdin with --password-stdin, else typed twice at a terminal without echo. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const first = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
    if (!first) throw new UserError('no password on stdin', 'Pipe the password in: printf %s "$PASSWORD" | kubelab user add NAME --password-stdin');
    return first;
  }
  if (!process.stdin.isTTY) throw new UserError('no terminal to ask for a password', 'Pass --password-stdin and pipe the password in.');
  const a = await prompt('Password: ');
  const b = await prompt('Again: ');
  if (a !== b) throw new UserError('the two passwords differ', 'Run the command again.');
  return a;
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

const add: Command = {
  path: ['user', 'add'],
  summary: 'Create a local account (learner, instructor or admin)',
  usage: 'user add <username> --role admin|instructor|learner [--display-name NAME] [--password-stdin]',
  options: { ...configFlags, role: { type: 'string' }, 'display-name': { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const username = positionals[0]!;
    if (!usernamePattern.test(username)) {
      throw new UserError(`"${username}" is not a valid username`, 'Use 2-64 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.');
    }
    const role = values.role as string | undefined;
    if (!role || !roles.includes(role as Role)) throw new UserError(`--role must be one of ${roles.join(', ')}${role ? `, got "${role}"` : ''}`);
    const config = loadConfig(configInput(values) as never);
    const password = await readPassword(values['password-stdin'] === true);
    const problem = passwordProblem(password);
    if (problem) throw new UserError(problem, 'Choose a longer passphrase.');
    const store = openStore(databasePath(config.dataDir));
    try {
      if (store.users.byUsername(username)) throw new UserError(`there is already a user named ${username}`, 'Pick another name, or change the password with `kubelab user passwd`.');
      const user = store.users.create({
        username,
        displayName: (values['display-name'] as string | undefined) ?? username,
        role: role as Role,
        passwordHash: await hashPassword(password),
      });
      console.log(`user ${user.username} created (${user.role})`);
      if (config.auth !== 'accounts') console.log('Serve with --auth accounts for people to sign in with it.');
    } finally {
      store.close();
    }
    return 0;
  },
};

const passwd: Command = {
  path: ['user', 'passwd'],
  summary: "Set a local account's password",
  usage: 'user passwd <username> [--password-stdin]',
  options: { ...configFlags, 'password-stdin': { type: 'boolean' } },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const config = loadConfig(configInput(values) as never);
    const store = openStore(databasePath(config.dataDir));
    try {
      const user = store.users.byUsername(positionals[0]!);
      if (!user) throw new UserError(`no user named ${positionals[0]}`, 'See `kubelab user list`.');
      const password = await readPassword(values['password-stdin'] === true);
      store.users.setPasswordHash(user.id, await hashPassword(password));
      console.log(`password of ${user.username} changed`);
    } finally {
      store.close();
    }
    return 0;
  },
};

const list: Command = {
  path: ['user', 'list'],
  summary: 'List local accounts and their roles',
  usage: 'user list [--json]',
  options: { ...configFlags, json: { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(configInput(values) as never);
    const store = openStore(databasePath(config.dataDir));
    try {
      const users = store.users.list().map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, password: u.passwordHash ? 'set' : 'none' }));
      if (values.json) console.log(JSON.stringify(users, null, 2));
      else for (const u of users) console.log(`${u.username.padEnd(24)} ${u.role.padEnd(10)} ${u.displayName}`);
    } finally {
      store.close();
    }
    return 0;
  },
};

export const userCommands: Command[] = [add, passwd, list];
