import type { DraftStore } from './draft-store';

const KEY = 'settings:recent-files';
const LIMIT = 10;

/** Files recently opened or saved, most recent first, kept in the workspace. */
export class RecentFiles {
  constructor(private readonly store: DraftStore) {}

  list(): string[] {
    const text = this.store.load(KEY);
    if (text === null) return [];
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
  }

  /** Moves path to the front; returns the new list. */
  touch(path: string): string[] {
    const list = [path, ...this.list().filter((p) => p !== path)].slice(0, LIMIT);
    this.store.save(KEY, JSON.stringify(list));
    return list;
  }
}
