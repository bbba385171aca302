import { useEffect, type ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout, usePanelRef } from 'react-resizable-panels';
import { useStore } from 'zustand';
import { dockStore } from './dock-store';

/** The height of the dock's tab strip (styles.css .dock-tabs plus the dock's top border): the dock's size when collapsed. */
export const DOCK_TABS_HEIGHT = 33;
const DOCK_MIN_HEIGHT = 140;
/** Panels whose content scrolls inside itself (the canvas pans, the dock's tab panels scroll). */
const CLIPPED = { overflow: 'hidden' } as const;

/**
 * Palette | canvas over dock | side panel, every split draggable and keyboard-resizable
 * (react-resizable-panels: arrow keys on a focused separator). The column widths are remembered
 * by the library; the dock's height and whether it is open by the dock store, which the tabs
 * and the collapse button also drive.
 */
export function WorkbenchLayout({ palette, canvas, dock, side }: { palette: ReactNode; canvas: ReactNode; dock: ReactNode; side: ReactNode }) {
  const columns = useDefaultLayout({ id: 'cnnwb-columns', storage: localStorage });
  const dockPanel = usePanelRef();
  const open = useStore(dockStore, (s) => s.open);
  const heightRequest = useStore(dockStore, (s) => s.heightRequest);

  useEffect(() => {
    const panel = dockPanel.current;
    if (!panel) return;
    if (open && panel.isCollapsed()) panel.resize(Math.max(DOCK_MIN_HEIGHT, dockStore.getState().height));
    else if (!open && !panel.isCollapsed()) panel.collapse();
  }, [open, dockPanel]);

  // A tab that asks for more room (Lecture mode): resize once; onResize then records the height.
  useEffect(() => {
    const panel = dockPanel.current;
    if (!panel || heightRequest === null) return;
    dockStore.setState({ heightRequest: null });
    if (panel.isCollapsed() || panel.getSize().inPixels < heightRequest) panel.resize(heightRequest);
  }, [heightRequest, dockPanel]);

  return (
    <Group orientation="horizontal" className="workbench-body" id="cnnwb-columns" defaultLayout={columns.defaultLayout} onLayoutChanged={columns.onLayoutChanged}>
      <Panel id="palette" defaultSize={190} minSize={140} maxSize={340} groupResizeBehavior="preserve-pixel-size" className="column">
        {palette}
      </Panel>
      <Separator className="splitter" aria-label="Resize the palette" />
      <Panel id="centre" minSize={320} className="center-column" style={CLIPPED}>
        <Group orientation="vertical" id="cnnwb-rows">
          <Panel id="canvas" minSize={160} style={CLIPPED}>
            {canvas}
          </Panel>
          <Separator className="splitter" aria-label="Resize the dock" />
          <Panel
            id="dock"
            panelRef={dockPanel}
            collapsible
            collapsedSize={DOCK_TABS_HEIGHT}
            minSize={DOCK_MIN_HEIGHT}
            defaultSize={dockStore.getState().open ? dockStore.getState().height : DOCK_TABS_HEIGHT}
            groupResizeBehavior="preserve-pixel-size"
            style={CLIPPED}
            onResize={(size) => {
              // Dragged shut or open, or resized: the store follows (the tabs and the button read it).
              const collapsed = size.inPixels <= DOCK_TABS_HEIGHT + 1;
              const state = dockStore.getState();
              if (collapsed === state.open) dockStore.setState({ open: !collapsed });
              else if (!collapsed && Math.abs(size.inPixels - state.height) >= 1) dockStore.setState({ height: Math.round(size.inPixels) });
            }}
          >
            {dock}
          </Panel>
        </Group>
      </Panel>
      <Separator className="splitter" aria-label="Resize the side panel" />
      <Panel id="side" defaultSize={290} minSize={220} maxSize={560} groupResizeBehavior="preserve-pixel-size" className="column">
        {side}
      </Panel>
    </Group>
  );
}
