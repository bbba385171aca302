import { Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../core/api/contract';

/**
 * The application menu. Editor commands go to the renderer as onMenuCommand events: the document
 * and its undo history live there. Accelerators are the menu's, so the renderer does not also
 * handle these keys in Electron.
 */
export function buildMenu(options: {
  window: () => BrowserWindow | null;
  send: (command: MenuCommand) => void;
  recentFiles: string[];
  appName: string;
  /** Development builds only: the packaged app has no DevTools. */
  devTools: boolean;
}): Menu {
  const { send } = options;
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  });
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        item('New', 'new', 'CmdOrCtrl+N'),
        item('Open…', 'open', 'CmdOrCtrl+O'),
        {
          label: 'Open Recent',
          submenu:
            options.recentFiles.length > 0
              ? options.recentFiles.map((path) => ({ label: path, click: () => send({ openRecent: path }) }))
              : [{ label: 'No recent files', enabled: false }],
        },
        { type: 'separator' },
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save As…', 'saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        {
          label: 'Export',
          submenu: [item('ONNX…', 'exportOnnx', 'CmdOrCtrl+E'), item('PyTorch…', 'exportPytorch', 'CmdOrCtrl+Shift+E')],
        },
        item('Import ONNX…', 'importOnnx', 'CmdOrCtrl+I'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        item('Copy', 'copy', 'CmdOrCtrl+C'),
        item('Paste', 'paste', 'CmdOrCtrl+V'),
        item('Delete', 'delete'),
        item('Select All', 'selectAll', 'CmdOrCtrl+A'),
      ],
    },
    {
      label: '&View',
      submenu: [
        item('Auto-layout', 'autoLayout', 'CmdOrCtrl+Shift+L'),
        item('Fit View', 'fitView', 'CmdOrCtrl+0'),
        item('Mini-map', 'toggleMiniMap'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.devTools ? [{ role: 'toggleDevTools' as const }] : []),
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: `About ${options.appName}`, click: () => void shell.openExternal('https://www.csie.ntu.edu.tw/~cjlin/papers/cnn/') },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
