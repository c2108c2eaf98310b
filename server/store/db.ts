import type Database from 'better-sqlite3';

/** An open SQLite connection; each data-access module of server/store/ takes one. */
export type Db = Database.Database;
