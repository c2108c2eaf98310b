/**
 * The one list of schema migrations. Each runs once, in order, inside a transaction;
 * `PRAGMA user_version` records how far a database file has come. Append only: never edit
 * a migration that has shipped, add the next one.
 */
export const migrations: readonly string[] = [
  // 1: users, sessions, labs, attempts with per-check results, lesson progress, quiz answers
  `
  CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT,
    role          TEXT NOT NULL CHECK (role IN ('learner', 'instructor', 'admin')),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,           -- sha256 of the cookie token, never the token itself
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at  TEXT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE labs (
    name          TEXT PRIMARY KEY,
    provider      TEXT NOT NULL,
    owner_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    state         TEXT NOT NULL CHECK (state IN ('creating', 'ready', 'lost', 'deleting')),
    info          TEXT NOT NULL DEFAULT '{}',  -- JSON: kubeconfig paths, node names
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_used_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX labs_owner ON labs(owner_id);
  CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    exercise_id TEXT NOT NULL,
    lab_name    TEXT,
    trigger     TEXT NOT NULL CHECK (trigger IN ('check', 'live', 'exam', 'cli')),
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    points      REAL NOT NULL,
    max_points  REAL NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX attempts_user_exercise ON attempts(user_id, exercise_id);
  CREATE TABLE check_results (
    attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    points      REAL NOT NULL,
    max_points  REAL NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (attempt_id, position)
  );
  CREATE TABLE lesson_progress (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    lesson_id   TEXT NOT NULL,
    read_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (user_id, lesson_id)
  );
  CREATE TABLE quiz_answers (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    lesson_id   TEXT NOT NULL,
    question_id TEXT NOT NULL,
    answer      TEXT NOT NULL,              -- JSON
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX quiz_answers_user ON quiz_answers(user_id, lesson_id);
  `,
];
