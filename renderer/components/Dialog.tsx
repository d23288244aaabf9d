import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  onSubmit?: () => void;
  submitLabel?: string;
  danger?: boolean;
  busy?: boolean;
  /** The submit button is off (e.g. a required tool is missing). */
  submitDisabled?: boolean;
  wide?: boolean;
  error?: string;
  children: ReactNode;
}

/** A modal form. Escape or Cancel closes it; the submit button reports `busy` while it works. Without `onSubmit` it only shows information and has one Close button. */
export function Dialog(p: Props) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, button[type=submit]')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && p.onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [p.onClose]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit?.();
  };
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && p.onClose()}>
      <form ref={ref} className={`dialog${p.wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-label={p.title} onSubmit={submit}>
        <h2>{p.title}</h2>
        <div className="dialog-body">{p.children}</div>
        {p.error && (
          <p className="form-error" role="alert">
            {p.error}
          </p>
        )}
        <footer>
          {p.onSubmit ? (
            <>
              <button type="button" onClick={p.onClose}>
                Cancel
              </button>
              <button type="submit" className={p.danger ? 'danger' : 'primary'} disabled={p.busy || p.submitDisabled}>
                {p.busy ? 'Working…' : (p.submitLabel ?? 'OK')}
              </button>
            </>
          ) : (
            <button type="button" className="primary" onClick={p.onClose}>
              Close
            </button>
          )}
        </footer>
      </form>
    </div>
  );
}
