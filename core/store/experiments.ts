import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import type { Experiment } from './records';

interface ExperimentRow {
  id: number;
  name: string;
  notes: string;
  created_at: number;
}

const toExperiment = (r: ExperimentRow): Experiment => ({ id: r.id, name: r.name, notes: r.notes, createdAt: r.created_at });

export class Experiments {
  constructor(private readonly db: Database.Database) {}

  /** The experiment called `name`, created (with empty notes) if there is none. */
  ensure(name: string): Experiment {
    if (typeof name !== 'string' || name.trim() === '') throw new StoreError('experiment name must be a non-empty string');
    this.db.prepare(`INSERT INTO experiments (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`).run(name, Date.now());
    return this.byName(name)!;
  }

  byName(name: string): Experiment | null {
    const row = this.db.prepare(`SELECT * FROM experiments WHERE name = ?`).get(name) as ExperimentRow | undefined;
    return row ? toExperiment(row) : null;
  }

  get(id: number): Experiment | null {
    const row = this.db.prepare(`SELECT * FROM experiments WHERE id = ?`).get(id) as ExperimentRow | undefined;
    return row ? toExperiment(row) : null;
  }

  list(): Experiment[] {
    return (this.db.prepare(`SELECT * FROM experiments ORDER BY created_at, id`).all() as ExperimentRow[]).map(toExperiment);
  }

  setNotes(id: number, notes: string): void {
    if (this.db.prepare(`UPDATE experiments SET notes = ? WHERE id = ?`).run(notes, id).changes === 0)
      throw new StoreError(`no experiment with id ${id}`);
  }

  /** Deletes the experiment and, through the foreign keys, all its runs and their records. */
  delete(id: number): void {
    if (this.db.prepare(`DELETE FROM experiments WHERE id = ?`).run(id).changes === 0) throw new StoreError(`no experiment with id ${id}`);
  }
}
