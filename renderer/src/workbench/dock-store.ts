import { createStore } from 'zustand/vanilla';

export type DockTab = 'train' | 'sweep' | 'gradients' | 'activations' | 'runs' | 'lecture';

/** The dock's height when open, before anyone has resized it. */
export const DOCK_DEFAULT_HEIGHT = 360;
const SAVED_KEY = 'cnnwb.dock';

interface DockState {
  tab: DockTab;
  /** Closed at the first start (the canvas gets the room until a tab is chosen); remembered after. */
  open: boolean;
  /** Height in CSS px when open; remembered between starts. */
  height: number;
  /** A height a tab asks for once (Lecture mode wants room); the layout applies it when larger and clears it. */
  heightRequest: number | null;
}

function saved(): Partial<DockState> {
  try {
    const value = JSON.parse(localStorage.getItem(SAVED_KEY) ?? '{}') as Partial<DockState>;
    return { open: value.open === true, ...(Number.isFinite(value.height) && value.height! > 0 ? { height: value.height } : {}) };
  } catch {
    return {};
  }
}

/** Which panel of the dock under the canvas is showing, whether the dock is open, and how tall it is. */
export const dockStore = createStore<DockState>(() => ({ tab: 'train', open: false, height: DOCK_DEFAULT_HEIGHT, heightRequest: null, ...saved() }));

dockStore.subscribe((s, before) => {
  if (s.open === before.open && s.height === before.height) return;
  try {
    localStorage.setItem(SAVED_KEY, JSON.stringify({ open: s.open, height: s.height }));
  } catch {
    // A storage that refuses (private mode, full) only costs remembering the dock.
  }
});

/** Opens the dock on `tab`. Lecture mode (equations and matrices) asks for 60% of the window's height. */
export function showDockTab(tab: DockTab): void {
  dockStore.setState({ tab, open: true, ...(tab === 'lecture' ? { heightRequest: Math.round(window.innerHeight * 0.6) } : {}) });
}
