/** The part of the SQLite workspace (core/store Drafts) the service needs; a test may pass its own. */
export interface DraftStore {
  save(key: string, graphJson: string): void;
  load(key: string): string | null;
}
