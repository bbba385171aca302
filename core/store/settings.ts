import type Database from 'better-sqlite3';
import { StoreError } from './errors';

/** Workspace-wide settings, with their defaults. */
export interface StoreSettings {
  /** Per-layer gradient and weight statistics are kept every this many steps (retention). */
  statsEvery: number;
  /** Checkpoints kept per run, newest first; 0 keeps all. */
  keepCheckpoints: number;
}

export const DEFAULT_SETTINGS: StoreSettings = { statsEvery: 10, keepCheckpoints: 0 };

function checkSetting<K extends keyof StoreSettings>(key: K, value: StoreSettings[K]): void {
  const min = key === 'statsEvery' ? 1 : 0;
  if (!Number.isInteger(value) || value < min) throw new StoreError(`setting ${key}: expected an integer >= ${min}, got ${value}`);
}

export class Settings {
  private readonly select: Database.Statement<[string], { value: string }>;
  private readonly upsert: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.select = db.prepare(`SELECT value FROM settings WHERE key = ?`);
    this.upsert = db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  }

  get<K extends keyof StoreSettings>(key: K): StoreSettings[K] {
    const row = this.select.get(key);
    return row ? (JSON.parse(row.value) as StoreSettings[K]) : DEFAULT_SETTINGS[key];
  }

  set<K extends keyof StoreSettings>(key: K, value: StoreSettings[K]): void {
    if (!(key in DEFAULT_SETTINGS)) throw new StoreError(`unknown setting ${String(key)}`);
    checkSetting(key, value);
    this.upsert.run(key, JSON.stringify(value));
  }

  all(): StoreSettings {
    return { statsEvery: this.get('statsEvery'), keepCheckpoints: this.get('keepCheckpoints') };
  }
}
