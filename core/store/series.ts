import type Database from 'better-sqlite3';
import { decodeHistogram } from './codec';
import type { LayerStat, StatTensor, StepMetric, StoredEpochMetric } from './records';

/** A window of steps; both ends included. `afterStep` is for polling: only rows newer than what the UI has. */
export interface StepRange {
  fromStep?: number;
  toStep?: number;
  afterStep?: number;
  /** keep at most this many rows, the newest */
  limit?: number;
}

const nan = (x: number | null): number => (x === null ? NaN : x);

function rangeClause(range: StepRange, args: unknown[]): string {
  let sql = '';
  if (range.fromStep !== undefined) {
    sql += ' AND step >= ?';
    args.push(range.fromStep);
  }
  if (range.toStep !== undefined) {
    sql += ' AND step <= ?';
    args.push(range.toStep);
  }
  if (range.afterStep !== undefined) {
    sql += ' AND step > ?';
    args.push(range.afterStep);
  }
  return sql;
}

/**
 * The time series of a run: per-step metrics, per-epoch metrics, per-layer statistics. This is the
 * UI's and CLI's read side; on its own connection it reads while a trainer writes (WAL) without
 * blocking it, and sees every batch the trainer has committed.
 */
export class Series {
  constructor(private readonly db: Database.Database) {}

  steps(runId: number, range: StepRange = {}): StepMetric[] {
    const args: unknown[] = [runId];
    const where = `SELECT step, epoch, loss, lr, step_ms, images_per_sec FROM step_metrics WHERE run_id = ?${rangeClause(range, args)}`;
    const [sql, all] = range.limit === undefined ? [`${where} ORDER BY step`, args] : [`SELECT * FROM (${where} ORDER BY step DESC LIMIT ?) ORDER BY step`, [...args, range.limit]];
    return (
      this.db.prepare(sql).all(...all) as { step: number; epoch: number; loss: number | null; lr: number; step_ms: number; images_per_sec: number }[]
    ).map((r) => ({ step: r.step, epoch: r.epoch, loss: nan(r.loss), lr: r.lr, stepMs: r.step_ms, imagesPerSec: r.images_per_sec }));
  }

  epochs(runId: number): StoredEpochMetric[] {
    return (
      this.db.prepare(`SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`).all(runId) as {
        epoch: number;
        step: number;
        train_loss: number | null;
        train_acc: number | null;
        val_loss: number | null;
        val_acc: number | null;
      }[]
    ).map((r) => ({
      epoch: r.epoch,
      step: r.step,
      trainLoss: nan(r.train_loss),
      trainAccuracy: nan(r.train_acc),
      valLoss: r.val_loss,
      valAccuracy: r.val_acc,
    }));
  }

  layerStats(runId: number, filter: StepRange & { layerId?: string; tensor?: StatTensor } = {}): LayerStat[] {
    const args: unknown[] = [runId];
    let where = `SELECT * FROM layer_stats WHERE run_id = ?${rangeClause(filter, args)}`;
    if (filter.layerId !== undefined) {
      where += ' AND layer_id = ?';
      args.push(filter.layerId);
    }
    if (filter.tensor !== undefined) {
      where += ' AND tensor = ?';
      args.push(filter.tensor);
    }
    const rows = this.db.prepare(`${where} ORDER BY step, layer_id, tensor`).all(...args) as {
      step: number;
      layer_id: string;
      tensor: StatTensor;
      norm: number | null;
      mean: number | null;
      std: number | null;
      min: number | null;
      max: number | null;
      histogram: Buffer;
    }[];
    return rows.map((r) => ({
      step: r.step,
      layerId: r.layer_id,
      tensor: r.tensor,
      stats: { norm: nan(r.norm), mean: nan(r.mean), std: nan(r.std), min: nan(r.min), max: nan(r.max), histogram: decodeHistogram(r.histogram) },
    }));
  }

  /** Row counts per table for one run (the CLI's `show`, the export manifest). */
  counts(runId: number): RunCounts {
    const count = (table: string) => (this.db.prepare(`SELECT count(*) FROM ${table} WHERE run_id = ?`).pluck().get(runId) as number);
    return {
      steps: count('step_metrics'),
      epochs: count('epoch_metrics'),
      layerStats: count('layer_stats'),
      checkpoints: count('checkpoints'),
      evaluations: count('evaluations'),
    };
  }
}

export interface RunCounts {
  steps: number;
  epochs: number;
  layerStats: number;
  checkpoints: number;
  evaluations: number;
}
