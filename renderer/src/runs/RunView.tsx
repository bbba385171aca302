import { useEffect, useState } from 'react';
import type { DataImage, DataSpec, RunDetail } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { ImageCanvas } from '../training/DataPreviewView';
import { countOf } from '../editor/labels';
import { RunCharts } from './RunCharts';

const GALLERY = 24;

/** One run: its curves, its evaluation (confusion matrix, misclassified test images). */
export function RunView({ run, onClose }: { run: RunDetail; onClose: () => void }) {
  const evaluation = run.evaluations.find((e) => e.split === 'test') ?? run.evaluations[run.evaluations.length - 1] ?? null;
  const [images, setImages] = useState<DataImage[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [classNames, setClassNames] = useState<string[] | null>(null);
  useEffect(() => {
    const data = (run.hyperParameters as { data?: DataSpec }).data;
    if (data !== undefined) api.previewData(data, 0).then((p) => setClassNames(p.classNames), () => setClassNames(null));
  }, [run]);
  const name = (c: number) => classNames?.[c] ?? String(c);
  useEffect(() => {
    if (!evaluation || evaluation.misclassified.length === 0) return;
    const split = evaluation.split === 'test' ? 'test' : 'train';
    api.runImages(run.summary.id, split, evaluation.misclassified.slice(0, GALLERY).map((m) => m.index)).then(setImages, (e: Error) => setError(e.message));
  }, [run, evaluation]);
  const s = run.summary;
  return (
    <div className="overlay" role="dialog" aria-label={`Run ${s.name}`}>
      <div className="overlay-body">
        <header className="overlay-header">
          <h1>
            Run {s.name} <span className="muted">({s.experiment}, {s.status})</span>
          </h1>
          <button type="button" onClick={onClose} aria-label="Close run">
            Close
          </button>
        </header>
        <p className="muted">
          {s.optimizer ?? '?'} on {s.dataset}, backend {s.backend}, {countOf(s.lastStep ?? 0, 'step')}, {countOf(s.lastEpoch ?? 0, 'epoch')}, {(s.wallMs / 1000).toFixed(1)} s
          {s.bestValAccuracy !== null ? `, best validation accuracy ${(100 * s.bestValAccuracy).toFixed(2)}%` : ''}
        </p>
        <RunCharts runs={[run]} />
        {!evaluation && <p className="muted">No evaluation yet (a run evaluates on the test split when it completes).</p>}
        {evaluation && (
          <div className="evaluation">
            <div>
              <h2>
                Confusion matrix ({evaluation.split}, accuracy <span data-testid="evaluation-accuracy">{(100 * evaluation.accuracy).toFixed(2)}%</span>)
              </h2>
              <table className="confusion" aria-label="Confusion matrix">
                <thead>
                  <tr>
                    <th>actual \ predicted</th>
                    {evaluation.confusion.map((_, j) => (
                      <th key={j} title={name(j)}>
                        {j}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {evaluation.confusion.map((row, i) => {
                    const total = row.reduce((a, b) => a + b, 0) || 1;
                    return (
                      <tr key={i}>
                        <th title={name(i)}>
                          {i} {classNames ? name(i) : ''}
                        </th>
                        {row.map((n, j) => (
                          <td key={j} style={{ background: i === j ? `rgba(46,125,50,${n / total})` : `rgba(198,40,40,${(2 * n) / total})` }}>
                            {n}
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div>
              <h2>Misclassified ({evaluation.misclassified.length}; first {Math.min(GALLERY, evaluation.misclassified.length)})</h2>
              {error && <div className="error-text">{error}</div>}
              <div className="gallery" aria-label="Misclassified examples">
                {images.map((image, k) => (
                  <figure key={image.index}>
                    <ImageCanvas image={image} scale={2} />
                    <figcaption>
                      #{image.index}: {name(evaluation.misclassified[k].actual)} → {name(evaluation.misclassified[k].predicted)}
                    </figcaption>
                  </figure>
                ))}
              </div>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
