import { useStore } from 'zustand';
import type { LectureStep } from '../../../core/api/contract';
import { GRADIENT_CHECK_PASS } from '../inspect/inspect-store';
import { lectureStore } from './lecture-store';
import { slashFractions, Tex } from './Tex';

const PROBES_SHOWN = 12;

/** "Check this step": the shown gradient against central differences of ξ in float64. */
export function StepCheckView({ step }: { step: LectureStep }) {
  const check = useStore(lectureStore, (s) => s.checks[step.id]);
  return (
    <section className="lecture-check" aria-label="Check this step" data-export-skip>
      <div className="inline">
        <button type="button" disabled={check?.state === 'running'} onClick={() => void lectureStore.getState().check(step.id)}>
          {check?.state === 'running' ? 'Checking…' : 'Check this step'}
        </button>
        <span className="muted">central differences (ξ(q+εu) − ξ(q−εu)) / 2ε in float64, ε = 1e-5 (retried with ε/10, ε/100 at a kink)</span>
      </div>
      {check?.state === 'error' && <p role="alert" className="error-text">{check.error}</p>}
      {check?.state === 'done' && (
        <>
          <p data-testid="check-result">
            <Tex tex={slashFractions(check.result.tex)} />: largest relative error{' '}
            <strong className={check.result.maxRelativeError < GRADIENT_CHECK_PASS ? 'ok-text' : 'error-text'}>{check.result.maxRelativeError.toExponential(2)}</strong>{' '}
            {check.result.maxRelativeError < GRADIENT_CHECK_PASS ? 'passes' : 'FAILS'} (below {GRADIENT_CHECK_PASS}){' '}
            <span className="muted">
              — {check.result.exhaustive ? 'every entry' : `${check.result.probes.filter((p) => p.index !== null).length} entries and ${check.result.probes.filter((p) => p.index === null).length} random directions`}, {Math.round(check.result.ms)} ms
            </span>
          </p>
          <table className="lecture-table" aria-label="Probes of this step">
            <thead>
              <tr>
                <th>probe</th>
                <th>shown</th>
                <th>numeric</th>
                <th>rel. err.</th>
              </tr>
            </thead>
            <tbody>
              {check.result.probes.slice(0, PROBES_SHOWN).map((p, i) => (
                <tr key={i}>
                  <td>{p.index === null ? 'u (random)' : `entry ${p.index}`}</td>
                  <td className="num">{p.analytic.toPrecision(6)}</td>
                  <td className="num" title={p.kink ? `no derivative here: left slope ${p.kink.left.toPrecision(6)}, right slope ${p.kink.right.toPrecision(6)}` : `ε = ${p.epsilon}`}>
                    {p.kink ? `kink [${Math.min(p.kink.left, p.kink.right).toPrecision(4)}, ${Math.max(p.kink.left, p.kink.right).toPrecision(4)}]` : p.numeric.toPrecision(6)}
                  </td>
                  <td className="num">{p.relativeError.toExponential(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {check.result.probes.length > PROBES_SHOWN && <span className="muted">… {check.result.probes.length - PROBES_SHOWN} more probes</span>}
        </>
      )}
    </section>
  );
}
