import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { Modal } from './Modal';

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
 * and has one Close button. The layer is a native modal `<dialog>` (Modal): the page behind is
 * inert, Tab stays inside, and on close the focus goes back where it was.
 */
export function Dialog(p: Props) {
  const ref = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const errorId = useId();
  useEffect(() => ref.current?.querySelector<HTMLElement>('input, select, button[type=submit]')?.focus(), []);
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
    <Modal label={p.title} onClose={p.onClose} className={`dialog${p.wide ? ' wide' : ''}`}>
      <form ref={ref} className="dialog-form" onSubmit={submit}>
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
    </Modal>
  );
}
