import { createStore } from 'zustand/vanilla';
import type { DataPreview, DataSpec, OptimizerName, RunDetail, TrainingEventMessage, TrainingSettings, TrainingStatusName, UiTrainingEvent } from '../../../core/api/contract';

/** The training form, as typed (strings, so a half-typed number stays in its field). */
export interface TrainingForm {
  dataKind: 'sample' | 'fashion-mnist' | 'path';
  dataPath: string;
  optimizer: OptimizerName;
  lr: string;
  momentum: string;
  decay: string;
  subsample: string;
  cgMaxIterations: string;
  epochs: string;
  batchSize: string;
  seed: string;
  validationFraction: string;
  statsEvery: string;
  /** beta of the weight average (0: off) */
  averageDecay: string;
  backend: string;
  runName: string;
  /** Start from the weights kept by the last ONNX import instead of the seeded initialisation. */
  fromImported: boolean;
}

/** Columnar series for uPlot: one x array and its y arrays, nulls where a series has no point. */
export interface LiveSeries {
  step: number[];
  loss: (number | null)[];
  accuracy: (number | null)[];
  valLoss: (number | null)[];
  valAccuracy: (number | null)[];
  lr: (number | null)[];
  stepMs: (number | null)[];
}

export interface TrainingState {
  form: TrainingForm;
  preview: DataPreview | null;
  previewError: string | null;
  /** The run the dashboard follows. */
  runId: number | null;
  status: TrainingStatusName | 'starting' | 'idle';
  message: string | null;
  backendUsed: string | null;
  step: number;
  totalSteps: number;
  firstStep: number;
  epoch: number;
  imagesPerSec: number;
  /** Seconds left at the recent pace, null before it is known. */
  secondsLeft: number | null;
  testAccuracy: number | null;
  series: LiveSeries;
  /** Bumped when series gained points (plots redraw on it). */
  seriesVersion: number;
  /**
   * Bumped on every layerStats event and when the run ends (the gradient views refetch from the
   * store, throttled). The end matters: the recorder commits buffered statistics up to a second
   * after their event, so a fetch on the last layerStats event can miss them; 'ended' comes after
   * the final commit.
   */
  statsVersion: number;
  /** The step of the latest layerStats event of the followed run (null: none yet). */
  statsStep: number | null;
  /** Bumped on every checkpoint of the followed run (its latest weights changed: previews refetch). */
  checkpointVersion: number;
}

const emptySeries = (): LiveSeries => ({ step: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [], lr: [], stepMs: [] });

export const DEFAULT_FORM: TrainingForm = {
  dataKind: 'sample',
  dataPath: '',
  optimizer: 'adam',
  lr: '0.001',
  momentum: '0.9',
  decay: '0',
  subsample: '0.05',
  cgMaxIterations: '250',
  epochs: '2',
  batchSize: '64',
  seed: '1',
  validationFraction: '0.1',
  statsEvery: '10',
  averageDecay: '0',
  backend: 'auto',
  runName: '',
  fromImported: false,
};

export function dataSpecOf(form: TrainingForm): DataSpec {
  return form.dataKind === 'path' ? form.dataPath.trim() : form.dataKind;
}

export const trainingStore = createStore<TrainingState>(() => ({
  form: DEFAULT_FORM,
  preview: null,
  previewError: null,
  runId: null,
  status: 'idle',
  message: null,
  backendUsed: null,
  step: 0,
  totalSteps: 0,
  firstStep: 1,
  epoch: 0,
  imagesPerSec: 0,
  secondsLeft: null,
  testAccuracy: null,
  series: emptySeries(),
  seriesVersion: 0,
  statsVersion: 0,
  statsStep: null,
  checkpointVersion: 0,
}));

export function setForm(patch: Partial<TrainingForm>): void {
  trainingStore.setState((s) => ({ form: { ...s.form, ...patch } }));
}

/** Starts following run `runId` from scratch (a new run, or a continued one). */
export function followRun(runId: number, backendUsed: string | null): void {
  pace.length = 0;
  queue.length = 0;
  trainingStore.setState({ runId, status: 'running', message: null, backendUsed, step: 0, totalSteps: 0, epoch: 0, imagesPerSec: 0, secondsLeft: null, testAccuracy: null, series: emptySeries(), seriesVersion: 0, statsStep: null });
  const pending = early.get(runId) ?? [];
  early.clear();
  for (const event of pending) enqueue(event);
}

type Point = Partial<Record<Exclude<keyof LiveSeries, 'step'>, number | null>>;

function pushPoint(series: LiveSeries, step: number, values: Point): void {
  const n = series.step.length;
  if (n > 0 && step < series.step[n - 1]) return; // already there (replayed after a backfill)
  if (n > 0 && series.step[n - 1] === step) {
    for (const [k, v] of Object.entries(values)) (series as unknown as Record<string, (number | null)[]>)[k][n - 1] = v as number | null;
    return;
  }
  series.step.push(step);
  for (const key of ['loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr', 'stepMs'] as const) series[key].push(values[key] ?? null);
}

/**
 * Events arrive far faster than a screen refreshes; they are queued and applied once per animation
 * frame, so a fast run costs the UI thread one state update per frame, not one per step.
 */
const queue: UiTrainingEvent[] = [];
const pace: { t: number; step: number }[] = [];
let frameRequested = false;

/** Events of runs not (yet) followed: a run's first events can arrive before startTraining answers. */
const early = new Map<number, UiTrainingEvent[]>();
const EARLY_LIMIT = 500;

export function receiveTrainingEvent(message: TrainingEventMessage): void {
  if (message.runId !== trainingStore.getState().runId) {
    const list = early.get(message.runId) ?? [];
    if (list.length < EARLY_LIMIT) list.push(message.event);
    early.set(message.runId, list);
    return;
  }
  enqueue(message.event);
}

function enqueue(event: UiTrainingEvent): void {
  queue.push(event);
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(flush);
  }
}

function flush(): void {
  frameRequested = false;
  const events = queue.splice(0);
  if (events.length === 0) return;
  const s = trainingStore.getState();
  const series = s.series;
  const next: Partial<TrainingState> = {};
  let grew = false;
  let stats = false;
  let checkpoint = false;
  let recentMs = 0;
  let recentImages = 0;
  for (const e of events) {
    switch (e.type) {
      case 'started':
        Object.assign(next, { totalSteps: e.totalSteps, firstStep: e.firstStep, backendUsed: `${e.backend} (${e.backendDescription})` });
        break;
      case 'step':
        pushPoint(series, e.step, { loss: e.loss, accuracy: e.accuracy, lr: e.lr, stepMs: e.stepMs });
        // max: events replayed after a backfill from the store may be older than what it showed
        Object.assign(next, { step: Math.max(e.step, next.step ?? s.step), epoch: Math.max(e.epoch, next.epoch ?? s.epoch), imagesPerSec: e.imagesPerSec });
        recentMs += e.stepMs;
        recentImages += (e.imagesPerSec * e.stepMs) / 1000;
        grew = true;
        break;
      case 'epoch':
        pushPoint(series, e.step, { valLoss: e.valLoss, valAccuracy: e.valAccuracy });
        grew = true;
        break;
      case 'layerStats':
        stats = true;
        next.statsStep = e.step;
        break;
      case 'checkpoint':
        checkpoint = true;
        break;
      case 'status':
        Object.assign(next, { status: e.status, message: e.message ?? null });
        break;
      case 'evaluation':
        if (e.split === 'test') next.testAccuracy = e.accuracy;
        break;
      case 'ended':
        Object.assign(next, { status: e.status, message: e.message ?? null, testAccuracy: e.testAccuracy, secondsLeft: 0 });
        stats = true; // everything the run recorded is committed now: refetch once more
        break;
      default:
        break;
    }
  }
  const total = next.totalSteps ?? s.totalSteps;
  const step = next.step ?? s.step;
  if (recentImages > 0 && total > 0) {
    next.imagesPerSec = (recentImages * 1000) / recentMs;
    // Time left from the wall-clock pace of the last few seconds (validation and pauses included).
    const now = performance.now();
    pace.push({ t: now, step });
    while (pace.length > 2 && now - pace[0].t > 5000) pace.shift();
    const first = pace[0];
    if (next.secondsLeft === undefined && pace.length > 1 && step > first.step) next.secondsLeft = ((total - step) * (now - first.t)) / (step - first.step) / 1000;
  }
  if (grew) next.seriesVersion = s.seriesVersion + 1;
  if (stats) next.statsVersion = s.statsVersion + 1;
  if (checkpoint) next.checkpointVersion = s.checkpointVersion + 1;
  trainingStore.setState(next);
}

/**
 * After a page reload a run may still be training in the service: follow it again, with its
 * curves so far from the store (the per-step accuracy is not stored, so that curve restarts).
 */
export function followRunFromStore(run: RunDetail, backendUsed: string | null = run.summary.backend): void {
  followRun(run.summary.id, backendUsed);
  backfillFromStore(run);
  trainingStore.setState({ status: run.summary.status === 'paused' ? 'paused' : 'running' });
}

/**
 * Puts the stored history of the followed run under what arrived live: the stored steps come
 * first, the live points after the last stored step stay. A continued run is followed before it
 * starts (so none of its events is lost) and backfilled once its history is read.
 */
export function backfillFromStore(run: RunDetail): void {
  const s = trainingStore.getState();
  if (s.runId !== run.summary.id) return;
  const series = emptySeries();
  const epochsByStep = new Map(run.epochs.map((e) => [e.step, e]));
  for (const p of run.steps) {
    const e = epochsByStep.get(p.step);
    pushPoint(series, p.step, { loss: p.loss, lr: p.lr, stepMs: p.stepMs, valLoss: e?.valLoss ?? null, valAccuracy: e?.valAccuracy ?? null });
  }
  const stored = series.step.length > 0 ? series.step[series.step.length - 1] : -Infinity;
  const live = s.series;
  live.step.forEach((step, i) => {
    if (step > stored) pushPoint(series, step, { loss: live.loss[i], accuracy: live.accuracy[i], valLoss: live.valLoss[i], valAccuracy: live.valAccuracy[i], lr: live.lr[i], stepMs: live.stepMs[i] });
  });
  const last = run.steps[run.steps.length - 1];
  trainingStore.setState({
    series,
    seriesVersion: s.seriesVersion + 1,
    step: Math.max(s.step, last?.step ?? 0),
    epoch: Math.max(s.epoch, last?.epoch ?? 0),
    imagesPerSec: s.imagesPerSec || (last?.imagesPerSec ?? 0),
  });
}

/** The settings a stored run trains with, as the form shows them (its name, data, optimizer, epochs, rates...). */
export function formFromRun(run: RunDetail): Partial<TrainingForm> {
  // The run stores core/train's resolved config: every field TrainingSettings names is there.
  const stored = run.hyperParameters as { config?: TrainingSettings; data?: unknown };
  const c = stored.config ?? {};
  const text = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
  const optimizer = c.optimizer === 'sgd' || c.optimizer === 'adam' || c.optimizer === 'newton' ? c.optimizer : undefined;
  const rates = optimizer === 'sgd' ? c.sgd : optimizer === 'adam' ? c.adam : undefined;
  const form: Partial<TrainingForm> = {
    runName: run.summary.name,
    backend: run.summary.backend,
    optimizer,
    lr: text(rates?.lr),
    decay: text(rates?.decay),
    momentum: text(c.sgd?.momentum),
    subsample: text(c.newton?.subsampleFraction),
    cgMaxIterations: text(c.newton?.cgMaxIterations),
    epochs: text(c.epochs),
    batchSize: text(c.batchSize),
    seed: text(c.seed),
    validationFraction: text(c.validationFraction),
    statsEvery: text(c.statsEvery),
    averageDecay: text(c.averageDecay),
    fromImported: false,
  };
  if (stored.data === 'sample' || stored.data === 'fashion-mnist') form.dataKind = stored.data;
  else if (typeof stored.data === 'string') Object.assign(form, { dataKind: 'path', dataPath: stored.data });
  for (const key of Object.keys(form) as (keyof TrainingForm)[]) if (form[key] === undefined) delete form[key];
  return form;
}

