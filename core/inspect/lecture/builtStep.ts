/**
 * A step as the builders make it, each matrix and index map carrying its own values, and the
 * packing into the contract's LectureWalk, which holds each key's values once.
 */
import type { LectureFeeds, LectureIndexMap, LectureMatrix, LectureStep } from '../../api/lecture';

export type BuiltMatrix = LectureMatrix & { values: number[] };
export type BuiltIndexMap = Omit<LectureIndexMap, 'length'> & { map: number[] };
export type BuiltStep = Omit<LectureStep, 'matrices' | 'indexMaps' | 'feeds'> & {
  matrices: BuiltMatrix[];
  indexMaps: BuiltIndexMap[];
  feeds?: Omit<LectureFeeds, 'patchMap'> & { patchMap: number[] | null };
};

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, j) => Object.is(v, b[j]));
}

/** The steps with each key's values moved into one table (a key shown twice must show the same values). */
export function packSteps(built: BuiltStep[]): { steps: LectureStep[]; values: Record<string, number[]>; maps: Record<string, number[]> } {
  const values: Record<string, number[]> = {};
  const maps: Record<string, number[]> = {};
  const keep = (table: Record<string, number[]>, key: string, v: number[], step: string) => {
    const before = table[key];
    if (before && !sameValues(before, v)) throw new Error(`lecture: step ${step} shows ${key} with other values than an earlier step`);
    table[key] = before ?? v;
  };
  const steps = built.map((s): LectureStep => {
    const { feeds, matrices, indexMaps, ...rest } = s;
    const step: LectureStep = {
      ...rest,
      matrices: matrices.map(({ values: v, ...m }) => {
        keep(values, m.key, v, s.id);
        return m;
      }),
      indexMaps: indexMaps.map(({ map, ...p }) => {
        keep(maps, p.key, map, s.id);
        return { ...p, length: map.length };
      }),
    };
    if (feeds) {
      const patchKey = feeds.patchMap ? `PphiPpad@${feeds.S}` : null;
      if (patchKey) keep(maps, patchKey, feeds.patchMap!, s.id);
      step.feeds = { ...feeds, patchMap: patchKey };
    }
    return step;
  });
  return { steps, values, maps };
}
