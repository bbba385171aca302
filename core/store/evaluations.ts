import type Database from 'better-sqlite3';
import { decodeMisclassified, encodeMisclassified } from './codec';
import { StoreError } from './errors';
import type { Evaluation, EvaluationInput } from './records';

export function checkEvaluation(e: EvaluationInput): void {
  const k = e.perClassAccuracy.length;
  if (!Number.isSafeInteger(e.step) || e.step < 0) throw new StoreError(`evaluation: step must be an integer >= 0, got ${e.step}`);
  if (typeof e.split !== 'string' || !e.split) throw new StoreError('evaluation: split must be a non-empty string');
  if (e.confusion.length !== k || e.confusion.some((row) => row.length !== k))
    throw new StoreError(`evaluation: confusion must be ${k} x ${k} (one row and column per class of perClassAccuracy)`);
  for (const m of e.misclassified)
    if (m.predicted >= k || m.actual >= k) throw new StoreError(`evaluation: misclassified instance ${m.index} has a label outside 0..${k - 1}`);
}

/** Results of evaluating a run's network on a split: accuracy, per class, confusion, the misclassified instances. */
export class Evaluations {
  constructor(private readonly db: Database.Database) {}

  insert(runId: number, e: EvaluationInput): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO evaluations (run_id, step, split, created_at, accuracy, per_class, confusion, misclassified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(runId, e.step, e.split, Date.now(), e.accuracy, JSON.stringify(e.perClassAccuracy), JSON.stringify(e.confusion), encodeMisclassified(e.misclassified))
        .lastInsertRowid,
    );
  }

  list(runId: number): Evaluation[] {
    const rows = this.db.prepare(`SELECT * FROM evaluations WHERE run_id = ? ORDER BY step, id`).all(runId) as {
      id: number;
      step: number;
      split: string;
      created_at: number;
      accuracy: number | null;
      per_class: string;
      confusion: string;
      misclassified: Buffer;
    }[];
    return rows.map((r) => ({
      id: r.id,
      step: r.step,
      split: r.split,
      createdAt: r.created_at,
      accuracy: r.accuracy ?? NaN,
      perClassAccuracy: (JSON.parse(r.per_class) as (number | null)[]).map((x) => x ?? NaN),
      confusion: JSON.parse(r.confusion) as number[][],
      misclassified: decodeMisclassified(r.misclassified),
    }));
  }
}
