import { useCallback, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { MatrixData, VectorFormData } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { inspectStore, inspectTarget } from './inspect-store';
import { MatrixCanvas } from './MatrixCanvas';

const MAX_CHANNELS = 4;
const MAX_MATRIX_HEIGHT = 120;

function MatrixView({ id, symbol, meaning, m, width, hoverColumn, onHoverColumn }: { id: string; symbol: string; meaning: string; m: MatrixData; width: number; hoverColumn?: number | null; onHoverColumn?: (c: number | null) => void }) {
  const at = useCallback((r: number, c: number) => m.values[r + m.rows * c], [m]);
  // At most 120 px tall, so all six matrices fit a 900 px window beside the input without scrolling.
  const height = Math.max(12, Math.min(MAX_MATRIX_HEIGHT, (m.rows * width) / Math.max(m.cols, 1)));
  return (
    <figure className="vf-matrix">
      <figcaption>
        <span className="vf-symbol">{symbol}</span> <span className="vf-dims" data-testid={`dims-${id}`}>{m.rows} × {m.cols}</span> <span className="muted">{meaning}</span>
      </figcaption>
      <MatrixCanvas rows={m.rows} cols={m.cols} at={at} width={width} height={height} label={symbol} highlightColumn={hoverColumn ?? null} onHoverColumn={onHoverColumn} />
    </figure>
  );
}

function PaddedInput({ view, channel, highlight }: { view: VectorFormData; channel: number; highlight: [number, number][] }) {
  const { d, aPad, bPad } = view.sizes;
  const at = useCallback((r: number, c: number) => view.padZ.values[channel + d * (r + aPad * c)], [view, channel, d, aPad]);
  const scale = Math.max(3, Math.floor(150 / Math.max(aPad, bPad)));
  return <MatrixCanvas rows={aPad} cols={bPad} at={at} width={bPad * scale} height={aPad * scale} label={`pad(Z) channel ${channel}`} highlight={highlight} grey />;
}

/**
 * The vector form of one conv layer for one instance, in the lecture's symbols. Hover a column of
 * phi(pad(Z)) to see which entries of pad(Z) it was gathered from (the column of P_phi's index map).
 */
export function VectorFormView() {
  const nodeId = useStore(inspectStore, (s) => s.vectorFormNode);
  const sample = useStore(inspectStore, (s) => s.sample); // the chosen instance, shared with every view
  const [view, setView] = useState<VectorFormData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [column, setColumn] = useState<number | null>(null);

  useEffect(() => {
    if (!nodeId) return;
    setError(null);
    setView(null);
    api.vectorForm(inspectTarget(), nodeId, sample).then(setView, (e: Error) => setError(e.message));
  }, [nodeId, sample]);

  const sources = useMemo(() => {
    if (!view || column === null) return [] as { k: number; i: number; j: number; c: number; index: number; row: number; col: number }[];
    const { d, h, aPad } = view.sizes;
    const K = view.phiPadZ.rows;
    return Array.from({ length: K }, (_, k) => {
      const index = view.patchIndexMap[k + K * column];
      const pos = Math.floor(index / d);
      return { k, i: k % h, j: Math.floor(k / h) % h, c: Math.floor(k / (h * h)), index, row: pos % aPad, col: Math.floor(pos / aPad) };
    });
  }, [view, column]);

  if (!nodeId) return null;
  const close = () => inspectStore.getState().openVectorForm(null);
  const s = view?.sizes;
  return (
    <div className="overlay" role="dialog" aria-label={`Vector form of ${nodeId}`} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="overlay-body vector-form">
        <header className="overlay-header">
          <h1>Vector form of {view?.name ?? nodeId}</h1>
          <label>
            instance <input aria-label="Vector form sample" type="number" min={0} value={sample} onChange={(e) => inspectStore.getState().chooseSample(Number(e.target.value))} style={{ width: 70 }} />
          </label>
          {view && (
            <span className="muted">
              label {view.label}, ξ = {view.loss.toPrecision(4)}; weights: {view.weights}
            </span>
          )}
          <button type="button" onClick={close} aria-label="Close vector form">
            Close
          </button>
        </header>
        {error && <div role="alert" className="error-text">{error}</div>}
        {!view && !error && <p className="muted">Computing…</p>}
        {view && s && (
          <>
            <p className="vf-formula">
              S<sup>m</sup> = W<sup>m</sup> φ(pad(Z<sup>m</sup>)) + b<sup>m</sup>1<sup>T</sup>, &nbsp; ∂ξ/∂W<sup>m</sup> = (∂ξ/∂S<sup>m</sup>) φ(pad(Z<sup>m</sup>))<sup>T</sup>, &nbsp; ∂ξ/∂b<sup>m</sup> = (∂ξ/∂S<sup>m</sup>)1 &nbsp;
              <span className="muted">
                d = {s.d}, a × b = {s.a} × {s.b}, p = {s.p}, h = {s.h}, s = {s.s}, a_pad × b_pad = {s.aPad} × {s.bPad}, a_conv × b_conv = {s.aConv} × {s.bConv}, d<sup>m+1</sup> = {s.dNext}
              </span>
            </p>
            <div className="vf-grid">
              <div className="vf-input">
                <div className="vf-symbol">
                  pad(Z<sup>m</sup>) <span className="vf-dims" data-testid="dims-padZ">{view.padZ.rows} × {view.padZ.cols}</span>
                  <span className="muted"> d × a_pad b_pad, shown as {Math.min(s.d, MAX_CHANNELS)} of {s.d} channel images</span>
                </div>
                <div className="inline">
                  {Array.from({ length: Math.min(s.d, MAX_CHANNELS) }, (_, c) => (
                    <PaddedInput key={c} view={view} channel={c} highlight={sources.filter((x) => x.c === c).map((x) => [x.row, x.col])} />
                  ))}
                </div>
                <div className="vf-map" aria-label="Index map of P_phi">
                  {column === null ? (
                    <span className="muted">Hover a column of φ(pad(Z)) to see the entries of pad(Z) it holds (P_φ's index map).</span>
                  ) : (
                    <>
                      <div data-testid="hovered-column">
                        column {column} = (p, q) = ({column % s.aConv}, {Math.floor(column / s.aConv)}) reads {sources.length} entries of vec(pad(Z)):
                      </div>
                      <table>
                        <thead>
                          <tr>
                            <th>row k</th>
                            <th>(i, j, c)</th>
                            <th>vec(pad(Z)) index</th>
                            <th>pixel (row, col)</th>
                          </tr>
                        </thead>
                        <tbody>
                          {sources.slice(0, 27).map((x) => (
                            <tr key={x.k}>
                              <td>{x.k}</td>
                              <td>
                                ({x.i}, {x.j}, {x.c})
                              </td>
                              <td>{x.index}</td>
                              <td>
                                ({x.row}, {x.col})
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                      {sources.length > 27 && <span className="muted">… {sources.length - 27} more</span>}
                    </>
                  )}
                </div>
              </div>
              <div className="vf-matrices">
                <MatrixView id="phiPadZ" symbol="φ(pad(Zᵐ))" meaning="h h d × a_conv b_conv (hover a column)" m={view.phiPadZ} width={620} hoverColumn={column} onHoverColumn={setColumn} />
                <MatrixView id="W" symbol="Wᵐ" meaning="dᵐ⁺¹ × h h d" m={view.W} width={Math.min(620, Math.max(160, view.W.cols * 6))} />
                <MatrixView id="S" symbol="Sᵐ = Wᵐ φ(pad(Zᵐ)) + bᵐ1ᵀ" meaning="dᵐ⁺¹ × a_conv b_conv" m={view.S} width={620} hoverColumn={column} />
                <MatrixView id="dS" symbol="∂ξ/∂Sᵐ" meaning="dᵐ⁺¹ × a_conv b_conv (v after σ')" m={view.dS} width={620} hoverColumn={column} />
                <div className="vf-row">
                  <MatrixView id="dW" symbol="∂ξ/∂Wᵐ = (∂ξ/∂Sᵐ) φ(pad(Zᵐ))ᵀ" meaning="dᵐ⁺¹ × h h d" m={view.dW} width={Math.min(520, Math.max(160, view.dW.cols * 6))} />
                  <MatrixView id="db" symbol="∂ξ/∂bᵐ = (∂ξ/∂Sᵐ)1" meaning="dᵐ⁺¹ × 1" m={view.db} width={40} />
                </div>
              </div>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
