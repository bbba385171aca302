import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import type { Checkpoint, CheckpointInfo, CheckpointInput } from './records';

interface CheckpointRow {
  id: number;
  step: number;
  epoch: number;
  created_at: number;
  weights_bytes: number;
  optimizer_bytes: number;
}

const INFO_COLUMNS = `id, step, epoch, created_at, length(weights) AS weights_bytes, coalesce(length(optimizer), 0) AS optimizer_bytes`;

const toInfo = (r: CheckpointRow): CheckpointInfo => ({
  id: r.id,
  step: r.step,
  epoch: r.epoch,
  createdAt: r.created_at,
  weightsBytes: r.weights_bytes,
  optimizerBytes: r.optimizer_bytes,
});

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function checkCheckpoint(c: CheckpointInput): string {
  if (!Number.isSafeInteger(c.step) || c.step < 0) throw new StoreError(`checkpoint: step must be an integer >= 0, got ${c.step}`);
  if (!Number.isSafeInteger(c.epoch) || c.epoch < 0) throw new StoreError(`checkpoint: epoch must be an integer >= 0, got ${c.epoch}`);
  if (!(c.weights instanceof Uint8Array)) throw new StoreError('checkpoint: weights must be a Uint8Array');
  if (c.optimizerState !== null && !(c.optimizerState instanceof Uint8Array)) throw new StoreError('checkpoint: optimizerState must be a Uint8Array or null');
  const trainerState = JSON.stringify(c.trainerState);
  if (trainerState === undefined) throw new StoreError('checkpoint: trainerState must be a JSON value');
  return trainerState;
}

/** Everything needed to continue a run: weights, optimizer state, the trainer's own state. */
export class Checkpoints {
  constructor(private readonly db: Database.Database) {}

  /** Inserts (or, at the same step, replaces) a checkpoint; call inside the recorder's transaction. */
  insert(runId: number, c: CheckpointInput, trainerStateJson: string): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO checkpoints (run_id, step, epoch, created_at, weights, optimizer, trainer_state) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, step) DO UPDATE SET epoch = excluded.epoch, created_at = excluded.created_at, weights = excluded.weights,
             optimizer = excluded.optimizer, trainer_state = excluded.trainer_state
           RETURNING id`,
        )
        .pluck()
        .get(runId, c.step, c.epoch, Date.now(), asBuffer(c.weights), c.optimizerState ? asBuffer(c.optimizerState) : null, trainerStateJson),
    );
  }

  /** Deletes all but the newest `keep` checkpoints of a run (keep 0: delete none). */
  prune(runId: number, keep: number): void {
    if (keep <= 0) return;
    this.db
      .prepare(`DELETE FROM checkpoints WHERE run_id = ? AND id NOT IN (SELECT id FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT ?)`)
      .run(runId, runId, keep);
  }

  list(runId: number): CheckpointInfo[] {
    return (this.db.prepare(`SELECT ${INFO_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step`).all(runId) as CheckpointRow[]).map(toInfo);
  }

  /** The checkpoint with the highest step, blobs included, or null when the run has none. */
  latest(runId: number): Checkpoint | null {
    const id = this.db.prepare(`SELECT id FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1`).pluck().get(runId) as number | undefined;
    return id === undefined ? null : this.get(id);
  }

  get(id: number): Checkpoint | null {
    const row = this.db.prepare(`SELECT ${INFO_COLUMNS}, weights, optimizer, trainer_state FROM checkpoints WHERE id = ?`).get(id) as
      | (CheckpointRow & { weights: Buffer; optimizer: Buffer | null; trainer_state: string })
      | undefined;
    if (!row) return null;
    return {
      ...toInfo(row),
      weights: new Uint8Array(row.weights.buffer, row.weights.byteOffset, row.weights.byteLength),
      optimizerState: row.optimizer ? new Uint8Array(row.optimizer.buffer, row.optimizer.byteOffset, row.optimizer.byteLength) : null,
      trainerState: JSON.parse(row.trainer_state),
    };
  }
}
