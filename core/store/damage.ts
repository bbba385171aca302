import type Database from 'better-sqlite3';
import { faultKindOf, WorkspaceFault } from './errors';

/** What each table holds, in the words of the message. */
const TABLE_WORDS: Record<string, string> = {
  meta: 'the identity table',
  drafts: 'the editor drafts',
  settings: 'the settings',
  experiments: 'the experiments',
  runs: 'the run list',
  step_metrics: 'the step metrics',
  epoch_metrics: 'the epoch metrics',
  layer_stats: 'the layer statistics',
  checkpoints: 'the checkpoints',
  evaluations: 'the evaluations',
};

/** The tables a run's record is read from (by show, compare and export). */
const RUN_TABLES = new Set(['experiments', 'runs', 'step_metrics', 'epoch_metrics', 'layer_stats', 'checkpoints', 'evaluations']);

interface Damage {
  tables: string[];
  /** Pages no tree reaches any more: rows lost without an error, from tables unknown. */
  lostPages: number;
}

/** PRAGMA quick_check (of one table, or of the whole file): the problems, [] when sound. */
function quickCheck(db: Database.Database, table: string | null): string[] {
  try {
    const rows = db.pragma(table ? `quick_check("${table}")` : 'quick_check') as { quick_check: string }[];
    const lines = rows.flatMap((r) => r.quick_check.split('\n')).filter((l) => !l.startsWith('*** in database'));
    return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
  } catch (e) {
    if (faultKindOf(e) === 'damaged') return [(e as Error).message];
    throw e;
  }
}

function findDamage(db: Database.Database): Damage | null {
  const problems = quickCheck(db, null);
  if (problems.length === 0) return null;
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  return { tables: tables.filter((t) => quickCheck(db, t).length > 0), lostPages: problems.filter((p) => /never used/.test(p)).length };
}

const runsAreIntact = (d: Damage) => d.lostPages === 0 && !d.tables.some((t) => RUN_TABLES.has(t));

function damageFault(file: string, damage: Damage): WorkspaceFault {
  const what = [...damage.tables.map((t) => TABLE_WORDS[t] ?? `table ${t}`), ...(damage.lostPages > 0 ? [`${damage.lostPages} pages that no table reaches any more (rows lost from some table)`] : [])];
  const save = runsAreIntact(damage)
    ? 'the runs are intact: cnnwb runs export <run|experiment> FILE copies them to a new file'
    : `sqlite3 ${file} .recover | sqlite3 recovered.db copies what SQLite can still read (no run here can be trusted to be complete)`;
  return new WorkspaceFault(file, 'damaged', `is damaged: ${what.length > 0 ? what.join(', ') : 'some pages'} could not be read (database disk image is malformed); to save the rest: ${save}`);
}

/** Runs `read`; a damaged page it meets becomes one clear fault naming what is damaged and how to save the rest. */
export function readingDamaged<T>(db: Database.Database, file: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (faultKindOf(e) !== 'damaged') throw e;
    throw damageFault(file, findDamage(db) ?? { tables: [], lostPages: 0 });
  }
}

/**
 * Before an export: every table a run is read from must be sound, and no page lost from its tree
 * (rows that would be missing without an error). Damage elsewhere (drafts, settings) does not stop it.
 */
export function checkRunsReadable(db: Database.Database, file: string): void {
  const damage = readingDamaged(db, file, () => findDamage(db));
  if (damage && !runsAreIntact(damage)) throw damageFault(file, damage);
}
