import { createStore } from 'zustand/vanilla';

export type DockTab = 'train' | 'gradients' | 'activations' | 'runs';

/** Which panel of the dock under the canvas is showing, and whether the dock is open (closed at start: the canvas gets the room until a tab is chosen). */
export const dockStore = createStore<{ tab: DockTab; open: boolean }>(() => ({ tab: 'train', open: false }));
