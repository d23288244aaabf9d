import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { useFocusReturn, useFocusTrap } from './focus';

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
  /** Why the submit was refused: shown beside the submit button, focused and announced. */
  error?: string;
  /** What to do about it (the engine's hint). */
  hint?: string;
  /** Changes with every refusal, so a repeated one (same words) is focused again. */
  errorKey?: number;
  children: ReactNode;
}

/**
 * A modal form. Escape or Cancel closes it; the submit button reports `busy` while it works.
 * A refusal sits in the footer next to the submit button (in a long, scrolled form the footer
 * stays in view), takes the focus and is read out. Without `onSubmit` it only shows information
 * and has one Close button. Tab stays inside it; on close the focus goes back where it was.
 */
export function Dialog(p: Props) {
  const ref = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const errorId = useId();
  useFocusReturn();
  useFocusTrap(ref);
  const { onClose } = p;
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, button[type=submit]')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return; // the palette over it took this one
      const layers = document.querySelectorAll('[aria-modal="true"]');
      if (layers[layers.length - 1] === ref.current) onClose(); // only the top dialog closes
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  useEffect(() => {
    if (!p.error) return;
    errorRef.current?.scrollIntoView({ block: 'nearest' });
    errorRef.current?.focus({ preventScroll: true });
  }, [p.error, p.errorKey]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit?.();
  };
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && p.onClose()}>
      <form ref={ref} className={`dialog${p.wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-label={p.title} onSubmit={submit}>
        <h2>{p.title}</h2>
        <div className="dialog-body">{p.children}</div>
        <footer>
          {p.error && (
            <div className="form-error" role="alert" id={errorId} tabIndex={-1} ref={errorRef}>
              <p>{p.error}</p>
              {p.hint && <p className="hint">{p.hint}</p>}
            </div>
          )}
          <div className="buttons">
            {p.onSubmit ? (
              <>
                <button type="button" onClick={p.onClose}>
                  Cancel
                </button>
                <button type="submit" className={p.danger ? 'danger' : 'primary'} disabled={p.busy || p.submitDisabled} aria-describedby={p.error ? errorId : undefined}>
                  {p.busy ? 'Working…' : (p.submitLabel ?? 'OK')}
                </button>
              </>
            ) : (
              <button type="button" className="primary" onClick={p.onClose}>
                Close
              </button>
            )}
          </div>
        </footer>
      </form>
    </div>
  );
}
