/** How a sweep's trials are sorted and placed on axes (pure; the table and the two plots use it). */
import type { SweepTrialRow } from '../../../core/api/contract';

/** A column of the results table: a varied value (`dim:lr`) or a field of the row. */
export type SweepColumn = `dim:${string}` | 'trial' | 'state' | 'valAccuracy' | 'testAccuracy' | 'epochs' | 'wallMs';
export interface SweepSort {
  column: SweepColumn;
  descending: boolean;
}

export type Cell = string | number | boolean | null;

export function cellOf(row: SweepTrialRow, column: SweepColumn): Cell {
  if (column.startsWith('dim:')) return (row.values[column.slice(4)] as Cell | undefined) ?? null;
  return row[column as Exclude<SweepColumn, `dim:${string}`>] as Cell;
}

function compare(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Rows sorted by one column; empty cells (no accuracy yet) last in either direction. */
export function sortRows(rows: SweepTrialRow[], sort: SweepSort): SweepTrialRow[] {
  return [...rows].sort((x, y) => {
    const [a, b] = [cellOf(x, sort.column), cellOf(y, sort.column)];
    if (a === null || b === null) return a === null && b === null ? x.trial - y.trial : a === null ? 1 : -1;
    const c = compare(a, b);
    return (sort.descending ? -c : c) || x.trial - y.trial;
  });
}

/** An axis over some values: numbers on a linear or (over a wide positive range) log scale, anything else as categories. */
export type Axis = { kind: 'number'; lo: number; hi: number; log: boolean } | { kind: 'category'; categories: string[] };

export function axisOf(values: Cell[]): Axis {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) {
    const nums = present as number[];
    const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
    return { kind: 'number', lo, hi, log: lo > 0 && hi / lo >= 20 };
  }
  return { kind: 'category', categories: [...new Set(values.map((v) => formatCell(v)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })) };
}

/** Where a value sits on its axis, 0..1 (NaN: no value). */
export function positionOn(axis: Axis, v: Cell): number {
  if (axis.kind === 'category') return axis.categories.length === 1 ? 0.5 : axis.categories.indexOf(formatCell(v)) / (axis.categories.length - 1);
  if (typeof v !== 'number' || !Number.isFinite(v)) return NaN;
  if (axis.hi === axis.lo) return 0.5;
  return axis.log ? (Math.log(v) - Math.log(axis.lo)) / (Math.log(axis.hi) - Math.log(axis.lo)) : (v - axis.lo) / (axis.hi - axis.lo);
}

export function formatCell(v: Cell): string {
  if (v === null) return 'none';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return String(v);
}

export const percent = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)}%`);

/** Low accuracy red, high blue: a line's colour says how good its trial was. */
export function accuracyColour(t: number): string {
  const u = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * u);
  return `rgb(${mix(214, 30)}, ${mix(69, 110)}, ${mix(65, 200)})`;
}
