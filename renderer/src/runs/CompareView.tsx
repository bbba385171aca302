import type { RunDetail } from '../../../core/api/contract';
import { RunCharts } from './RunCharts';
import { diffObjects, flatten, graphRows, usedDifferences, type DiffRow } from './run-diff';

function DiffTable({ title, runs, rows, caption }: { title: string; runs: RunDetail[]; rows: DiffRow[]; caption: string }) {
  return (
    <div className="diff-block">
      <h2>
        {title}: {caption}
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
                <td key={i} className={v === 'not used' ? 'muted' : undefined}>
                  {v ?? '—'}
                </td>
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
  const allHyper = diffObjects(runs.map((r) => flatten({ ...r.hyperParameters, preprocessing: undefined, backend: r.summary.backend })));
  const hyper = usedDifferences(allHyper, runs.map((r) => r.summary.optimizer));
  const graphs = diffObjects(runs.map((r) => graphRows(r.graph)));
  const graphDiffers = graphs.filter((r) => r.differs).length;
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
          <DiffTable title="Hyper-parameters" runs={runs} rows={hyper} caption={`${hyper.length} used setting${hyper.length === 1 ? '' : 's'} differ (the others are equal or unused by these runs' optimisers)`} />
          <DiffTable title="Graph" runs={runs} rows={graphs} caption={`${graphDiffers} of ${graphs.length} differ`} />
        </div>
      </div>
    </div>
  );
}
