/**
 * A row of tabs as the ARIA pattern has it: one tab in the Tab order (the selected one), the
 * arrow keys, Home and End move between them and choose, and the panel names its tab.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

interface Props<T extends string> {
  tabs: readonly { id: T; label: string }[];
  selected: T;
  onSelect: (id: T) => void;
  label: string;
  children: ReactNode;
}

export function Tabs<T extends string>({ tabs, selected, onSelect, label, children }: Props<T>) {
  const base = useId();
  const row = useRef<HTMLDivElement>(null);
  const keyed = useRef(false); // chosen by a key: the focus stays on the row (a terminal tab would take it)
  useEffect(() => {
    if (!keyed.current) return;
    keyed.current = false;
    row.current?.querySelector<HTMLElement>(`#${CSS.escape(`${base}-${selected}`)}`)?.focus(); // after the panel's own effects
  }, [selected, base]);
  const onKey = (e: KeyboardEvent) => {
    const at = tabs.findIndex((t) => t.id === selected);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1 + tabs.length, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = tabs[to % tabs.length]!.id;
    if (next === selected) return;
    keyed.current = true;
    onSelect(next);
  };
  return (
    <>
      <div className="tabs" role="tablist" aria-label={label} ref={row} onKeyDown={onKey}>
        {tabs.map((t) => (
          <button key={t.id} id={`${base}-${t.id}`} role="tab" aria-selected={t.id === selected} aria-controls={`${base}-panel`} tabIndex={t.id === selected ? 0 : -1} onClick={() => onSelect(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-${selected}`}>
        {children}
      </div>
    </>
  );
}
