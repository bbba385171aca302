import { useMemo, useRef, useState } from 'react';
import type { LectureMatrix, LectureStep } from '../../../core/api/contract';
import { exportStep } from './export-step';
import { FeedsView } from './FeedsView';
import { MatrixFigure, type MatrixHighlight } from './MatrixFigure';
import { StepCheckView } from './StepCheckView';
import { Tex } from './Tex';

const PHASE: Record<LectureStep['phase'], string> = { forward: 'Forward', objective: 'Loss and objective', backward: 'Backward' };

/** One step: the equation typeset, what it means here, its matrices with their sizes, and for S what feeds an entry. */
export function StepView({ step, number, total, find, values, maps }: { step: LectureStep; number: number; total: number; find: (key: string) => LectureMatrix | undefined; values: Record<string, number[]>; maps: Record<string, number[]> }) {
  const [cell, setCell] = useState<[number, number] | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const card = useRef<HTMLElement>(null);
  const feeds = step.feeds;
  const highlights = useMemo(() => {
    const out: Record<string, MatrixHighlight> = {};
    if (!feeds || !cell) return out;
    out[feeds.S] = { cells: [cell] };
    out[feeds.W] = { row: cell[0] };
    out[feeds.phi] = { column: cell[1] };
    return out;
  }, [feeds, cell]);
  const save = (format: 'png' | 'svg') => {
    setExportError(null);
    if (card.current) exportStep(card.current, format, `lecture-${step.id.replace(/[^\w-]+/g, '-')}`).catch((e: Error) => setExportError(`Export failed: ${e.message}`));
  };
  return (
    <article className="lecture-step" aria-label={`Step ${number}: ${step.title}`} ref={card}>
      <header className="inline">
        <h3>
          {number}. {step.title}
        </h3>
        <span className="muted">
          {PHASE[step.phase]}
          {step.m !== null ? `, layer m = ${step.m}` : ''} · step {number} of {total}
        </span>
        <span className="lecture-export" data-export-skip>
          <button type="button" className="small" onClick={() => save('png')}>
            Export PNG
          </button>
          <button type="button" className="small" onClick={() => save('svg')}>
            Export SVG
          </button>
        </span>
      </header>
      {exportError && <p role="alert" className="error-text">{exportError}</p>}
      <Tex tex={step.tex} display label={`Equation of step ${number}`} />
      <p className="lecture-note">{step.note}</p>
      {step.scalars.length > 0 && (
        <table className="lecture-table lecture-scalars" aria-label="Values">
          <tbody>
            {step.scalars.map((s) => (
              <tr key={s.key}>
                <td>
                  <Tex tex={s.tex} />
                </td>
                <td className="num" data-testid={`scalar-${s.key}`}>{s.value.toPrecision(8)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {step.matrices.length > 0 && (
        <div className="lecture-matrices">
          {step.matrices.map((m) => (
            <MatrixFigure key={m.key} m={m} values={values[m.key]} result={m.key === step.result} highlight={highlights[m.key]} onHoverCell={feeds && m.key === feeds.S ? setCell : undefined} />
          ))}
        </div>
      )}
      {step.indexMaps.length > 0 && (
        <ul className="lecture-maps">
          {step.indexMaps.map((p) => (
            <li key={p.key}>
              <Tex tex={p.tex} /> as an index map of {p.length} entries into {p.sourceLength}: {p.meaning}. First entries: {maps[p.key].slice(0, 8).join(', ')}…
            </li>
          ))}
        </ul>
      )}
      {feeds && <FeedsView step={step} cell={cell} find={find} values={values} maps={maps} />}
      {step.gradient && <StepCheckView step={step} />}
    </article>
  );
}
