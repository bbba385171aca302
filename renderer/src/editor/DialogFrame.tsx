import type { ReactNode } from 'react';

/** A modal dialog: title, a form that submits on Enter, Escape to close, and anything after the form. */
export function DialogFrame({ title, onClose, onSubmit, children, after }: { title: string; onClose: () => void; onSubmit: () => void; children: ReactNode; after?: ReactNode }) {
  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div role="dialog" aria-modal="true" aria-label={title} className="dialog">
        <h2>{title}</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit();
          }}
        >
          {children}
        </form>
        {after}
      </div>
    </div>
  );
}
