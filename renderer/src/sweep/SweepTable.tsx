import { useStore } from 'zustand';
import type { SweepDetail } from '../../../core/api/contract';
import { sweepStore } from './sweep-store';
import { cellOf, formatCell, percent, sortRows, type SweepColumn } from './sweep-view';

/** The outcome first (it is what a sweep is read for, and stays in view in a narrow dock), then the varied values. */
const LEADING: { column: SweepColumn; label: string }[] = [
  { column: 'trial', label: 'Trial' },
  { column: 'state', label: 'State' },
  { column: 'valAccuracy', label: 'Best val.' },
  { column: 'testAccuracy', label: 'Test' },
];
const TRAILING: { column: SweepColumn; label: string }[] = [
  { column: 'epochs', label: 'Epochs' },
  { column: 'wallMs', label: 'Wall' },
];

/** Run statuses that have a checkpoint to continue from (core/store RESUMABLE_STATUSES). */
const CONTINUABLE = new Set(['stopped', 'interrupted', 'failed', 'paused']);

function decisionText(decision: unknown): string {
  if (!decision || typeof decision !== 'object') return '';
  const d = decision as { rule?: string; epoch?: number; best?: number; median?: number; error?: string; budget?: string };
  if (d.rule === 'median') return `stopped after epoch ${d.epoch}: best ${percent(d.best ?? null)} < median ${percent(d.median ?? null)}`;
  return d.error ?? (d.budget ? `budget: ${d.budget}` : '');
}

/** The sweep's trials: varied values and metrics, sortable by any column; each row loads or continues its run. */
export function SweepTable({ detail, onLoad, onContinue }: { detail: SweepDetail; onLoad: (runId: number) => void; onContinue: (runId: number) => void }) {
  const sort = useStore(sweepStore, (s) => s.sort);
  const columns: { column: SweepColumn; label: string }[] = [...LEADING, ...detail.dimensions.map((d) => ({ column: `dim:${d}` as SweepColumn, label: d })), ...TRAILING];
  const rows = sortRows(detail.rows, sort);
  const header = (c: { column: SweepColumn; label: string }) => {
    const active = sort.column === c.column;
    return (
      <th key={c.column} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
        <button type="button" className="sort-button" onClick={() => sweepStore.setState({ sort: { column: c.column, descending: active ? !sort.descending : c.column === 'valAccuracy' || c.column === 'testAccuracy' } })}>
          {c.label}
          {active ? (sort.descending ? ' ▾' : ' ▴') : ''}
        </button>
      </th>
    );
  };
  const cell = (row: SweepDetail['rows'][number], column: SweepColumn) => {
    const v = cellOf(row, column);
    if (column === 'valAccuracy' || column === 'testAccuracy') return percent(v as number | null);
    if (column === 'wallMs') return `${((v as number) / 1000).toFixed(1)} s`;
    return formatCell(v);
  };
  return (
    <div className="runs-table-scroll sweep-table-scroll">
      <table className="runs-table" aria-label="Sweep results">
        <thead>
          <tr>
            {columns.map(header)}
            <th>Run</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.trial} aria-label={`Trial ${row.trial}`} data-state={row.state}>
              {columns.map((c) => (
                <td key={c.column} className={c.column === 'state' ? `status-${row.runStatus ?? ''}` : c.column === 'trial' || c.column.startsWith('dim:') ? '' : 'num'} title={c.column === 'state' ? decisionText(row.decision) || undefined : undefined}>
                  {cell(row, c.column)}
                </td>
              ))}
              <td>
                <div className="row-actions-buttons">
                  <button type="button" className="small" disabled={row.runId === null} aria-label={`Load trial ${row.trial} into editor`} onClick={() => onLoad(row.runId!)}>
                    Load into editor
                  </button>
                  <button type="button" className="small" disabled={row.runId === null || row.state === 'running' || !CONTINUABLE.has(row.runStatus ?? '')} aria-label={`Continue trial ${row.trial}`} onClick={() => onContinue(row.runId!)}>
                    Continue
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
