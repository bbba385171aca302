/** A dimension as a person types it: `name=v1,v2,...`, or for random search `name=lo..hi` / `name=log:lo..hi`. */
import { SweepSpecError, type Dimension } from './spec';

export function parseDimensionText(text: string): Dimension {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SweepSpecError(text, 'expected name=v1,v2 (or name=lo..hi with random search)');
  const name = text.slice(0, eq).trim();
  const rest = text.slice(eq + 1).trim();
  const range = /^(log:)?([^,]+?)\.\.([^,]+)$/.exec(rest);
  if (range) {
    const [lo, hi] = [Number(range[2]), Number(range[3])];
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new SweepSpecError(text, 'a range needs two numbers, lo..hi');
    return { name, range: { lo, hi, log: range[1] !== undefined } };
  }
  const values = rest.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new SweepSpecError(text, 'an empty value');
  return { name, values };
}
