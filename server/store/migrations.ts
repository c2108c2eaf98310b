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
  // 2: login throttling, where each learner left off, workshops (members, messages), exams (sittings, answers, item results)
  `
  CREATE TABLE login_failures (
    key              TEXT PRIMARY KEY,      -- 'account:<username>' or 'address:<ip>'
    failures         INTEGER NOT NULL,
    last_failure_at  INTEGER NOT NULL,      -- ms since the epoch
    blocked_until    INTEGER NOT NULL       -- ms since the epoch; no attempt is checked before then
  );
  CREATE TABLE learner_position (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    lesson_id   TEXT NOT NULL,
    visited_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE workshops (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    lessons        TEXT NOT NULL DEFAULT '[]',   -- JSON array of lesson ids
    capacity       INTEGER NOT NULL CHECK (capacity > 0),
    opens_at       TEXT NOT NULL,
    closes_at      TEXT NOT NULL,
    join_code      TEXT NOT NULL UNIQUE,
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    closed_at      TEXT,                          -- closed early by the instructor
    labs_freed_at  TEXT,                          -- its labs were released after it ended
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE workshop_members (
    workshop_id   INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    joined_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (workshop_id, user_id)
  );
  CREATE TABLE workshop_messages (
    id           INTEGER PRIMARY KEY,
    workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX workshop_messages_workshop ON workshop_messages(workshop_id, id);
  CREATE TABLE exams (
    id                  INTEGER PRIMARY KEY,
    title               TEXT NOT NULL,
    time_limit_minutes  REAL NOT NULL CHECK (time_limit_minutes > 0),
    items               TEXT NOT NULL,               -- JSON: [{ key, kind: exercise|quiz, ..., points }]
    state               TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
    results_released    INTEGER NOT NULL DEFAULT 0 CHECK (results_released IN (0, 1)),
    created_by          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE exam_sittings (
    id            INTEGER PRIMARY KEY,
    exam_id       INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('in-progress', 'grading', 'graded')),
    started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deadline      TEXT NOT NULL,
    ended_by      TEXT CHECK (ended_by IN ('submit', 'timeout')),
    ended_at      TEXT,
    score         REAL,
    max_score     REAL,
    observed      TEXT,                           -- JSON: the lab state the grader saw
    UNIQUE (exam_id, user_id)
  );
  CREATE INDEX exam_sittings_user ON exam_sittings(user_id, state);
  CREATE TABLE exam_answers (
    sitting_id  INTEGER NOT NULL REFERENCES exam_sittings(id) ON DELETE CASCADE,
    item_key    TEXT NOT NULL,
    answer      TEXT NOT NULL,                    -- JSON
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (sitting_id, item_key)
  );
  CREATE TABLE exam_item_results (
    sitting_id  INTEGER NOT NULL REFERENCES exam_sittings(id) ON DELETE CASCADE,
    item_key    TEXT NOT NULL,
    points      REAL NOT NULL,
    max_points  REAL NOT NULL,
    detail      TEXT NOT NULL,                    -- JSON: per-check results, or the answer and whether it was right
    attempt_id  INTEGER REFERENCES attempts(id) ON DELETE SET NULL,
    PRIMARY KEY (sitting_id, item_key)
  );
  `,
  // 3: the exercise last set up in each learner's lab (so the next setup cleans it up first, and a
  // pass restores what it stopped), kept across restarts
  `
  CREATE TABLE exercise_setups (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    exercise_id  TEXT NOT NULL,
    set_up_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  `,
  // 4: the checks of each exam item that passed on the untouched lab, so an exam pays only for progress
  `ALTER TABLE exam_sittings ADD COLUMN baseline TEXT;`,
  // 5: an admin may disable an account (it keeps its history; it cannot sign in)
  `ALTER TABLE users ADD COLUMN disabled_at TEXT;`,
  // 6: a workshop in challenge mode shows its learners no hints and no solutions
  `ALTER TABLE workshops ADD COLUMN challenge INTEGER NOT NULL DEFAULT 0;`,
];
