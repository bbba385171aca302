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

  // 2: experiments, runs and everything a run records
  (db) => {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE experiments (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        notes      TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE runs (
        id                  INTEGER PRIMARY KEY,
        uid                 TEXT NOT NULL UNIQUE,
        experiment_id       INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
        name                TEXT NOT NULL,
        graph_json          TEXT NOT NULL,
        hyper_json          TEXT NOT NULL,
        dataset_name        TEXT NOT NULL,
        dataset_fingerprint TEXT NOT NULL,
        seed                INTEGER NOT NULL,
        backend             TEXT NOT NULL,
        status              TEXT NOT NULL CHECK (status IN ('running', 'paused', 'stopped', 'completed', 'interrupted', 'diverged', 'failed')),
        status_detail       TEXT,
        started_at          INTEGER NOT NULL,
        ended_at            INTEGER,
        wall_ms             REAL NOT NULL DEFAULT 0,
        best_val_acc        REAL,
        stats_every         INTEGER NOT NULL,
        -- who is writing this run while it is 'running' (see recovery.ts)
        owner_host          TEXT,
        owner_pid           INTEGER,
        owner_token         TEXT,
        heartbeat_at        INTEGER,
        UNIQUE (experiment_id, name)
      ) STRICT;
      CREATE INDEX runs_by_status ON runs (status);

      CREATE TABLE step_metrics (
        run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step           INTEGER NOT NULL,
        epoch          INTEGER NOT NULL,
        loss           REAL,  -- NULL: NaN (SQLite stores NaN as NULL)
        lr             REAL NOT NULL,
        step_ms        REAL NOT NULL,
        images_per_sec REAL NOT NULL,
        PRIMARY KEY (run_id, step)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE epoch_metrics (
        run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        epoch      INTEGER NOT NULL,
        step       INTEGER NOT NULL,
        train_loss REAL,
        train_acc  REAL,
        val_loss   REAL,
        val_acc    REAL,
        PRIMARY KEY (run_id, epoch)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE layer_stats (
        run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step      INTEGER NOT NULL,
        layer_id  TEXT NOT NULL,
        tensor    TEXT NOT NULL CHECK (tensor IN ('dW', 'db', 'W', 'b')),
        norm      REAL,  -- NULL: NaN (a diverged tensor)
        mean      REAL,
        std       REAL,
        min       REAL,
        max       REAL,
        histogram BLOB NOT NULL,
        PRIMARY KEY (run_id, step, layer_id, tensor)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE checkpoints (
        id             INTEGER PRIMARY KEY,
        run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step           INTEGER NOT NULL,
        epoch          INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        weights        BLOB NOT NULL,
        optimizer      BLOB,
        trainer_state  TEXT NOT NULL,
        UNIQUE (run_id, step)
      ) STRICT;

      CREATE TABLE evaluations (
        id            INTEGER PRIMARY KEY,
        run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step          INTEGER NOT NULL,
        split         TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        accuracy      REAL,
        per_class     TEXT NOT NULL,
        confusion     TEXT NOT NULL,
        misclassified BLOB NOT NULL
      ) STRICT;
      CREATE INDEX evaluations_by_run ON evaluations (run_id, step);
    `);
  },

  // 3: sweeps (core/sweep): a sweep's spec, its trials in order, and the run each trial records into
  (db) => {
    db.exec(`
      CREATE TABLE sweeps (
        id            INTEGER PRIMARY KEY,
        uid           TEXT NOT NULL UNIQUE,
        experiment    TEXT NOT NULL,
        spec_json     TEXT NOT NULL,
        spec_digest   TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'completed', 'failed')),
        status_detail TEXT,
        created_at    INTEGER NOT NULL,
        ended_at      INTEGER,
        -- the process running the sweep while it is 'running' (as for runs: owner.ts)
        owner_host    TEXT,
        owner_pid     INTEGER,
        owner_token   TEXT,
        heartbeat_at  INTEGER
      ) STRICT;
      CREATE INDEX sweeps_by_digest ON sweeps (spec_digest);

      CREATE TABLE sweep_trials (
        sweep_id      INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,
        values_json   TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('pending', 'running', 'finished', 'pruned', 'failed', 'skipped')),
        run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        decision_json TEXT,
        PRIMARY KEY (sweep_id, idx)
      ) STRICT;
      CREATE INDEX sweep_trials_by_run ON sweep_trials (run_id);
    `);
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
