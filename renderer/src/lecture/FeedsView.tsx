import type { LectureMatrix, LectureStep } from '../../../core/api/contract';
import { ChannelImages } from './MatrixFigure';

const TERMS_SHOWN = 9;

/** The input pixels column q of φ(pad(Z)) reads, by channel (row, col), from P_φ P_pad's index map. */
export function feedingPixels(patchMap: number[] | null, Z: LectureMatrix | undefined, K: number, column: number): Map<number, [number, number][]> {
  const pixels = new Map<number, [number, number][]>();
  if (!Z?.spatial || !patchMap) return pixels;
  const { d, a } = Z.spatial;
  for (let k = 0; k < K; k++) {
    const index = patchMap[k + K * column];
    if (index < 0) continue;
    const c = index % d;
    const pos = Math.floor(index / d);
    pixels.set(c, [...(pixels.get(c) ?? []), [pos % a, Math.floor(pos / a)]]);
  }
  return pixels;
}

/** What entry (r, q) of S is made of: row r of W against column q of φ(pad(Z)), plus b_r, and the pixels that column reads. */
export function FeedsView({ step, cell, find, values, maps }: { step: LectureStep; cell: [number, number] | null; find: (key: string) => LectureMatrix | undefined; values: Record<string, number[]>; maps: Record<string, number[]> }) {
  const feeds = step.feeds!;
  const W = step.matrices.find((m) => m.key === feeds.W)!;
  const phi = step.matrices.find((m) => m.key === feeds.phi)!;
  const S = step.matrices.find((m) => m.key === feeds.S)!;
  const b = step.matrices.find((m) => m.key.startsWith('b@'))!;
  const Z = find(feeds.Z);
  if (!cell)
    return (
      <p className="muted lecture-feeds" aria-label="What feeds the entry">
        Hover an entry of the result to see what feeds it: its row of W, its column of φ(pad(Z)) and the input pixels that column reads.
      </p>
    );
  const [r, q] = cell;
  const K = W.cols;
  const patchMap = feeds.patchMap ? maps[feeds.patchMap] : null;
  const terms = Array.from({ length: K }, (_, k) => ({ k, w: values[W.key][r + W.rows * k], x: values[phi.key][k + K * q] }));
  const pixels = feedingPixels(patchMap, Z, K, q);
  const count = [...pixels.values()].reduce((n, p) => n + p.length, 0);
  return (
    <div className="lecture-feeds" aria-label="What feeds the entry" data-testid="feeds">
      <p>
        entry ({r}, {q}) = {values[S.key][r + S.rows * q].toPrecision(5)} = row {r} of W ({K} entries) · column {q} of φ(pad(Z)) + b<sub>{r}</sub> ({values[b.key][r].toPrecision(4)})
        {feeds.patchMap ? `; the column reads ${count} input pixels (the rest is padding)` : '; φ = I: the column is the whole input z'}
      </p>
      <table className="lecture-table" aria-label="Feeding entries">
        <thead>
          <tr>
            <th>k</th>
            <th>W[{r}, k]</th>
            <th>φ[k, {q}]</th>
            <th>product</th>
          </tr>
        </thead>
        <tbody>
          {terms.slice(0, TERMS_SHOWN).map((t) => (
            <tr key={t.k}>
              <td>{t.k}</td>
              <td className="num">{t.w.toPrecision(4)}</td>
              <td className="num">{t.x.toPrecision(4)}</td>
              <td className="num">{(t.w * t.x).toPrecision(4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {K > TERMS_SHOWN && <span className="muted">… {K - TERMS_SHOWN} more terms</span>}
      {Z?.spatial && patchMap && <ChannelImages m={Z} values={values[Z.key]} marked={pixels} />}
    </div>
  );
}
