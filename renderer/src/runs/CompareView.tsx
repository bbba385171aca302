import type { RunDetail } from '../../../core/api/contract';
import { RunCharts } from './RunCharts';
import { diffObjects, flatten, graphRows } from './run-diff';

function DiffTable({ title, runs, rows }: { title: string; runs: RunDetail[]; rows: ReturnType<typeof diffObjects> }) {
  const differing = rows.filter((r) => r.differs);
  return (
    <div>
      <h2>
        {title}: {differing.length} of {rows.length} differ
      </h2>
      <table className="diff" aria-label={title}>
        <thead>
          <tr>
            <th />
            {runs.map((r) => (
              <th key={r.summary.id}>{r.summary.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.differs ? 'differs' : 'same'}>
              <th>{row.key}</th>
              {row.values.map((v, i) => (
                <td key={i}>{v ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Two or more runs: overlaid curves, and what differs in their settings and graphs. */
export function CompareView({ runs, onClose }: { runs: RunDetail[]; onClose: () => void }) {
  const hyper = diffObjects(runs.map((r) => flatten({ ...r.hyperParameters, preprocessing: undefined, backend: r.summary.backend, seed: (r.hyperParameters as { config?: { seed?: number } }).config?.seed })));
  const graphs = diffObjects(runs.map((r) => graphRows(r.graph)));
  return (
    <div className="overlay" role="dialog" aria-label="Compare runs">
      <div className="overlay-body">
        <header className="overlay-header">
          <h1>Compare {runs.map((r) => r.summary.name).join(', ')}</h1>
          <button type="button" onClick={onClose} aria-label="Close comparison">
            Close
          </button>
        </header>
        <RunCharts runs={runs} />
        <div className="diffs">
          <DiffTable title="Hyper-parameters" runs={runs} rows={hyper} />
          <DiffTable title="Graph" runs={runs} rows={graphs} />
        </div>
      </div>
    </div>
  );
}
