/**
 * The database: one SQLite file (WAL mode) in the data directory, migrated at open.
 * All SQL lives under server/store/, one data-access module per aggregate.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from './errors.js';
import { migrations } from './store/migrations.js';
import { UsersRepo } from './store/users.js';
import { LabsRepo } from './store/labs.js';
import { AttemptsRepo } from './store/attempts.js';
import { ProgressRepo } from './store/progress.js';
import { LoginsRepo } from './store/logins.js';
import { WorkshopsRepo } from './store/workshops.js';
import { ExamsRepo } from './store/exams.js';
import { SetupsRepo } from './store/setups.js';
import { SessionsRepo } from './store/sessions.js';
import type { Db } from './store/db.js';


export interface Store {
  readonly db: Db;
  readonly path: string;
  readonly users: UsersRepo;
  readonly labs: LabsRepo;
  readonly attempts: AttemptsRepo;
  readonly progress: ProgressRepo;
  readonly logins: LoginsRepo;
  readonly workshops: WorkshopsRepo;
  readonly exams: ExamsRepo;
  readonly setups: SetupsRepo;
  readonly sessions: SessionsRepo;
  close(): void;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, 'kubelab.sqlite');
}

export function openStore(path: string): Store {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: Db;
  try {
    db = new Database(path);
  } catch (err) {
    throw new UserError(`cannot open the database ${path}: ${(err as Error).message}`, 'Check that the data directory is writable.');
  }
  db.pragma('journal_mode = WAL');
  // FULL: a committed attempt survives a power cut or kill -9, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return {
    db,
    path,
    users: new UsersRepo(db),
    labs: new LabsRepo(db),
    attempts: new AttemptsRepo(db),
    progress: new ProgressRepo(db),
    logins: new LoginsRepo(db),
    workshops: new WorkshopsRepo(db),
    exams: new ExamsRepo(db),
    setups: new SetupsRepo(db),
    sessions: new SessionsRepo(db),
    close: () => db.close(),
  };
}

/** Applies every migration the file has not seen yet, each in its own transaction. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new UserError(
      `the database is at schema version ${current}, newer than this kubelab knows (${migrations.length})`,
      'Run the newer kubelab, or point --data-dir at another folder.',
    );
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
