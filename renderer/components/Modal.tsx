import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { useFocusTrap } from './focus';

interface Props {
  label: string;
  onClose: () => void;
  /** The box's classes (`dialog`, and `wide` or `palette`). */
  className: string;
  children: ReactNode;
}

/**
 * A modal box on the platform's own `<dialog>`, opened with showModal(): the page behind is
 * inert (no click, focus or screen-reader reach), the box is in the top layer over a dimmed
 * ::backdrop, and Escape goes to the top one only (its `cancel`). A press outside the box (on
 * the backdrop) closes it too. Tab goes round its own controls; on close the focus goes back
 * where it was.
 */
export function Modal({ label, onClose, className, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const closing = useRef(onClose);
  closing.current = onClose;
  useFocusTrap(ref);
  // Open before the content's own effects run, so that they can focus a field in it.
  useLayoutEffect(() => {
    const d = ref.current;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined; // the opener
    if (d && !d.open) d.showModal();
    // Closed by the browser without a `cancel` (a second Escape with no user activation between): the state follows.
    const closed = () => closing.current();
    d?.addEventListener('close', closed);
    return () => {
      d?.removeEventListener('close', closed);
      if (d?.open) d.close(); // unmounted by the state: not a close to report
      if (before?.isConnected) before.focus({ preventScroll: true }); // after the close: the page is no longer inert
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={className}
      aria-label={label}
      aria-modal="true"
      onCancel={(e) => {
        e.preventDefault(); // the state closes it, so that it unmounts once
        closing.current();
      }}
      onMouseDown={(e) => {
        // A press on the backdrop reaches the dialog itself, outside its box.
        if (e.target !== e.currentTarget) return;
        const r = e.currentTarget.getBoundingClientRect();
        if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) closing.current();
      }}
    >
      {children}
    </dialog>
  );
}
