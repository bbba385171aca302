import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { RunCounts } from './series';

/**
 * What a run consists of, for the export completeness check: every table a run owns, with the
 * columns that are its content (not local ids, not its name, which an import may change, not its
 * status or who is writing it now) in a fixed order.
 */
const RUN_CONTENT: { table: string; count: keyof RunCounts | null; columns: string; order: string; where: string }[] = [
  {
    table: 'runs',
    count: null,
    columns: 'uid, graph_json, hyper_json, dataset_name, dataset_fingerprint, seed, backend, started_at, stats_every',
    order: 'id',
    where: 'id = ?',
  },
  { table: 'step_metrics', count: 'steps', columns: 'step, epoch, loss, lr, step_ms, images_per_sec', order: 'step', where: 'run_id = ?' },
  { table: 'epoch_metrics', count: 'epochs', columns: 'epoch, step, train_loss, train_acc, val_loss, val_acc', order: 'epoch', where: 'run_id = ?' },
  {
    table: 'layer_stats',
    count: 'layerStats',
    columns: 'step, layer_id, tensor, norm, mean, std, min, max, histogram',
    order: 'step, layer_id, tensor',
    where: 'run_id = ?',
  },
  { table: 'checkpoints', count: 'checkpoints', columns: 'step, epoch, created_at, weights, optimizer, trainer_state', order: 'step', where: 'run_id = ?' },
  {
    table: 'evaluations',
    count: 'evaluations',
    columns: 'step, split, created_at, accuracy, per_class, confusion, misclassified',
    order: 'step, created_at, id',
    where: 'run_id = ?',
  },
];

export interface RunDigest {
  counts: RunCounts;
  /** sha256 over the run's content, independent of local ids */
  sha256: string;
}

/** Digest of one run as stored in `schema` ('main' or an attached database's name). */
export function digestRun(db: Database.Database, schema: string, runId: number): RunDigest {
  const hash = createHash('sha256');
  const counts: RunCounts = { steps: 0, epochs: 0, layerStats: 0, checkpoints: 0, evaluations: 0 };
  const length = Buffer.alloc(4);
  for (const part of RUN_CONTENT) {
    hash.update(`\u0000${part.table}\u0000`);
    const rows = db.prepare(`SELECT ${part.columns} FROM ${schema}.${part.table} WHERE ${part.where} ORDER BY ${part.order}`).raw().iterate(runId) as Iterable<unknown[]>;
    let n = 0;
    for (const row of rows) {
      n++;
      for (const value of row) {
        if (Buffer.isBuffer(value)) {
          length.writeUInt32LE(value.byteLength);
          hash.update('b').update(length).update(value);
        } else {
          hash.update(JSON.stringify(value ?? null)).update('\u0001');
        }
      }
      hash.update('\u0002');
    }
    if (part.count) counts[part.count] = n;
  }
  return { counts, sha256: hash.digest('hex') };
}
