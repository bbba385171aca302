import type { GraphFile } from '../../../core/api/contract';
import { applyDiff, isEmptyDiff, squashDiffs, type DocDiff } from './doc-diff';

/**
 * Undo/redo as a stack of document diffs. Changes are recorded into a pending step until mark()
 * closes it, so a user action made of many changes (a drag, typing in a field) undoes as one.
 * Changes that do not come from the user (loading a file, autosave) are never recorded.
 */
export class History {
  private undos: DocDiff[] = [];
  private redos: DocDiff[] = [];
  private pending: DocDiff | null = null;

  record(diff: DocDiff): void {
    if (isEmptyDiff(diff)) return;
    this.pending = this.pending ? squashDiffs(this.pending, diff) : diff;
    this.redos = [];
  }

  /** Ends the current user action. */
  mark(): void {
    if (this.pending && !isEmptyDiff(this.pending)) this.undos.push(this.pending);
    this.pending = null;
  }

  canUndo(): boolean {
    return this.undos.length > 0 || (this.pending !== null && !isEmptyDiff(this.pending));
  }

  canRedo(): boolean {
    return this.redos.length > 0;
  }

  /** The document one step back, or null when there is nothing to undo. */
  undo(doc: GraphFile): GraphFile | null {
    this.mark();
    const diff = this.undos.pop();
    if (!diff) return null;
    this.redos.push(diff);
    return applyDiff(doc, diff, 'backward');
  }

  redo(doc: GraphFile): GraphFile | null {
    this.mark();
    const diff = this.redos.pop();
    if (!diff) return null;
    this.undos.push(diff);
    return applyDiff(doc, diff, 'forward');
  }

  clear(): void {
    this.undos = [];
    this.redos = [];
    this.pending = null;
  }
}
