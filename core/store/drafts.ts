import type Database from 'better-sqlite3';
import { StoreError } from './errors';

/** The editor's unsaved graphs, keyed by whatever the editor chooses (a file path, "untitled-1"). */
export class Drafts {
  private readonly upsert: Database.Statement<[string, string, number]>;
  private readonly select: Database.Statement<[string], { graph_json: string }>;
  private readonly remove: Database.Statement<[string]>;
  private readonly selectKeys: Database.Statement<[], { key: string; updated_at: number }>;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO drafts (key, graph_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET graph_json = excluded.graph_json, updated_at = excluded.updated_at`,
    );
    this.select = db.prepare(`SELECT graph_json FROM drafts WHERE key = ?`);
    this.remove = db.prepare(`DELETE FROM drafts WHERE key = ?`);
    this.selectKeys = db.prepare(`SELECT key, updated_at FROM drafts ORDER BY updated_at DESC, key`);
  }

  /** Stores graphJson under key, replacing what was there. The text must be JSON (not necessarily a valid graph). */
  save(key: string, graphJson: string): void {
    if (typeof key !== 'string' || key.length === 0) throw new StoreError('drafts.save: key must be a non-empty string');
    try {
      JSON.parse(graphJson);
    } catch (e) {
      throw new StoreError(`drafts.save("${key}"): graphJson is not JSON (${(e as Error).message})`);
    }
    this.upsert.run(key, graphJson, Date.now());
  }

  /** The text last saved under key, or null. */
  load(key: string): string | null {
    return this.select.get(key)?.graph_json ?? null;
  }

  delete(key: string): boolean {
    return this.remove.run(key).changes > 0;
  }

  /** Keys of all drafts, most recently saved first. */
  list(): { key: string; updatedAt: number }[] {
    return this.selectKeys.all().map((r) => ({ key: r.key, updatedAt: r.updated_at }));
  }
}
