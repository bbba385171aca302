import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { LectureMatrix } from '../../../core/api/contract';
import { isTextFieldFocused } from '../editor/commands';
import { useEditor } from '../editor/editor-store-context';
import { dockStore } from '../workbench/dock-store';
import { LectureControls } from './LectureControls';
import { explainedNode, lectureStore } from './lecture-store';
import { StepView } from './StepView';

const PHASES = [
  { phase: 'forward', label: 'Forward' },
  { phase: 'objective', label: 'Loss and f' },
  { phase: 'backward', label: 'Backward' },
] as const;

/**
 * Lecture mode: the vector form's equations on the open graph, step by step, with the engine's
 * numbers. Arrow keys (or Previous / Next, or the step list) move through the steps; the canvas
 * highlights and centres the node being explained.
 */
export function LecturePanel() {
  const walk = useStore(lectureStore, (s) => s.walk);
  const index = useStore(lectureStore, (s) => s.index);
  const error = useStore(lectureStore, (s) => s.error);
  const loading = useStore(lectureStore, (s) => s.loading);
  const visible = useStore(dockStore, (s) => s.open && s.tab === 'lecture');
  const explained = useStore(lectureStore, explainedNode);
  const walkDoc = useStore(lectureStore, (s) => s.walkDoc);
  const stale = useEditor((s) => s.doc) !== walkDoc;
  const flow = useReactFlow();
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    lectureStore.getState().setActive(visible);
    if (visible && !lectureStore.getState().walk && !lectureStore.getState().loading) void lectureStore.getState().load();
  }, [visible]);

  useEffect(() => {
    if (!explained) return;
    const node = flow.getNode(explained);
    if (node) flow.setCenter(node.position.x + (node.measured?.width ?? 0) / 2, node.position.y + (node.measured?.height ?? 0) / 2, { zoom: flow.getViewport().zoom, duration: 200 });
  }, [explained, flow]);

  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [index, walk]);

  const find = useCallback((key: string): LectureMatrix | undefined => {
    for (const s of walk?.steps ?? []) {
      const m = s.matrices.find((x) => x.key === key);
      if (m) return m;
    }
    return undefined;
  }, [walk]);

  const onKey = (e: KeyboardEvent) => {
    if (isTextFieldFocused()) return;
    const s = lectureStore.getState();
    const moves: Record<string, () => void> = {
      ArrowRight: s.next,
      ArrowDown: s.next,
      ArrowLeft: s.previous,
      ArrowUp: s.previous,
      Home: () => s.go(0),
      End: () => s.go(Number.MAX_SAFE_INTEGER),
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    move();
  };

  const steps = walk?.steps ?? [];
  const step = steps[index];
  return (
    <section className="lecture-panel" aria-label="Lecture mode" tabIndex={0} onKeyDown={onKey}>
      <LectureControls />
      {error && <p role="alert" className="error-text">{error}</p>}
      {!walk && !error && <p className="muted">{loading ? 'Computing the walk on the float64 reference engine…' : 'Open the Lecture tab to compute the walk.'}</p>}
      {walk && stale && (
        <p role="status" className="lecture-stale">
          The graph changed since this walk was computed: press Show to walk the edited graph.
        </p>
      )}
      {walk && (
        <p className="muted lecture-summary" data-testid="lecture-summary">
          {walk.graphName}: {walk.instance}, predicted {walk.predicted}; weights: {walk.weights}; {walk.loss === 'squared' ? 'squared loss' : 'softmax cross-entropy'}, {walk.C === null ? 'no regulariser' : `C = ${walk.C}`}
          {loading ? ' — computing…' : ''}
        </p>
      )}
      {walk && step && (
        <div className="lecture-body">
          <nav className="lecture-nav" aria-label="Lecture steps">
            <div className="inline">
              <button type="button" onClick={() => lectureStore.getState().previous()} disabled={index === 0}>
                Previous step
              </button>
              <button type="button" onClick={() => lectureStore.getState().next()} disabled={index === steps.length - 1}>
                Next step
              </button>
            </div>
            <div className="inline">
              {PHASES.map((p) => (
                <button key={p.phase} type="button" className="small" onClick={() => lectureStore.getState().go(steps.findIndex((s) => s.phase === p.phase))}>
                  {p.label}
                </button>
              ))}
            </div>
            <ol className="lecture-steps" role="listbox" aria-label="Steps" ref={list}>
              {steps.map((s, i) => (
                <li key={s.id} role="option" aria-selected={i === index} className={`phase-${s.phase}`} onClick={() => lectureStore.getState().go(i)}>
                  {i + 1}. {s.title}
                </li>
              ))}
            </ol>
          </nav>
          <div className="lecture-content">
            <StepView key={step.id} step={step} number={index + 1} total={steps.length} find={find} values={walk.values} maps={walk.maps} />
          </div>
        </div>
      )}
    </section>
  );
}
