/** Password hashing with argon2id (@node-rs/argon2), and the password rules. */
import { hash, verify } from '@node-rs/argon2';
import { UserError } from '../errors.js';

export const minPasswordLength = 10;
export const maxPasswordLength = 1024;

// argon2id, 19 MiB, 2 passes: the OWASP baseline; about 30-60 ms per hash here.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** A local account's username: 2-64 lowercase letters, digits, dots, dashes or underscores. */
export const usernamePattern = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export function passwordProblem(password: string): string | undefined {
  if (password.length < minPasswordLength) return `a password needs at least ${minPasswordLength} characters`;
  if (password.length > maxPasswordLength) return `a password may have at most ${maxPasswordLength} characters`;
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new UserError(problem, 'Choose a longer passphrase.');
  return hash(password, options);
}

/** A hash of a random password, verified against when the account does not exist, so both cases take as long. */
let dummy: Promise<string> | undefined;

/** Verifies in constant time for the hash (argon2's own compare); an unknown user costs the same. */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (password.length > maxPasswordLength) return false;
  if (!passwordHash) {
    dummy ??= hash('no such account ' + Math.random(), options);
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
