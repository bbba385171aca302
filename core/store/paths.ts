import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const WORKSPACE_FILE_NAME = 'workspace.db';

/** The platform's application-data folder for CNN Workbench (not created). */
export function appDataFolder(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'CNN Workbench');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'CNN Workbench');
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(configHome, 'cnn-workbench');
}

/** Where the workspace lives unless the user names another file; creates the folder. */
export function defaultWorkspacePath(): string {
  const folder = appDataFolder();
  mkdirSync(folder, { recursive: true });
  return join(folder, WORKSPACE_FILE_NAME);
}
