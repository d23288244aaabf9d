import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';

export interface Toast {
  id: number;
  kind: 'error' | 'success' | 'info';
  title: string;
  message?: string;
  hint?: string;
}

/**
 * The modal dialog on top, if one is open. Toasts go inside it: outside, the page behind it is
 * inert, and would hide them from clicks and screen readers.
 */
function useTopDialog(): HTMLDialogElement | null {
  const [top, setTop] = useState<HTMLDialogElement | null>(null);
  useEffect(() => {
    const find = () => setTop([...document.querySelectorAll<HTMLDialogElement>('dialog[open]')].filter((d) => d.matches(':modal')).at(-1) ?? null);
    find();
    const watch = new MutationObserver(find);
    watch.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['open'] });
    return () => watch.disconnect();
  }, []);
  return top;
}

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  const top = useTopDialog();
  const list = (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <div>
            <strong>{t.title}</strong>
            {t.message && <p>{t.message}</p>}
            {t.hint && <p className="hint">{t.hint}</p>}
          </div>
          <button className="icon" aria-label="Dismiss" onClick={() => onDismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
  return top ? createPortal(list, top) : list;
}
