import type Database from 'better-sqlite3';

/** Written to the `meta` table and to the SQLite header, so a workspace can be told from other files. */
export const APPLICATION_NAME = 'cnn-workbench';
/** PRAGMA application_id: "CNNW" as a big-endian 32-bit integer (header offset 68). */
export const APPLICATION_ID = 0x434e4e57;

/**
 * Migration i (0-based) takes a workspace from schema version i to i + 1 (PRAGMA user_version).
 * Append only: never edit a migration that has shipped.
 */
export const MIGRATIONS: ReadonlyArray<(db: Database.Database) => void> = [
  // 1: identity and editor drafts
  (db) => {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      CREATE TABLE drafts (
        key        TEXT PRIMARY KEY,
        graph_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('application', ?), ('created_at', ?)`).run(
      APPLICATION_NAME,
      new Date().toISOString(),
    );
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings a workspace (new, user_version 0, or older) up to SCHEMA_VERSION in one transaction. */
export function migrate(db: Database.Database): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= SCHEMA_VERSION) return;
  db.transaction(() => {
    // read again under the write lock: another process may have migrated meanwhile
    const from = db.pragma('user_version', { simple: true }) as number;
    for (let v = from; v < SCHEMA_VERSION; v++) MIGRATIONS[v](db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
}
