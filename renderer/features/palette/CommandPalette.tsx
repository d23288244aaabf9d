import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { Modal } from '../../components/Modal';
import { paletteEntries } from '../../lib/palette';
import { closePalette, closeShortcuts, openPalette, openShortcuts, runEntry, usePalette } from '../../stores/palette';
import { containers, images, networks, volumes } from '../../stores/resources';
import { useUi } from '../../stores/ui';

/** Ctrl/Cmd+K: type to find any page or item, or a command ("stop web", "pull nginx:1.27"); arrows and Enter. */
export function CommandPalette() {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const sources = {
    containers: containers.use((s) => s.items),
    images: images.use((s) => s.items),
    volumes: volumes.use((s) => s.items),
    networks: networks.use((s) => s.items),
  };
  const entries = useMemo(() => paletteEntries(query, sources), [query, ...Object.values(sources)]); // eslint-disable-line react-hooks/exhaustive-deps
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);
  const current = entries[Math.min(active, entries.length - 1)];
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = entries.length || 1;
      setActive((a) => (Math.min(a, n - 1) + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (current) void runEntry(current);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      closePalette();
    } else if (e.key === 'Tab') e.preventDefault(); // the focus stays in the palette
  };
  useEffect(() => {
    document.getElementById(`${listId}-${Math.min(active, entries.length - 1)}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, entries.length, listId]);
  return (
    <Modal label="Command palette" onClose={closePalette} className="dialog palette">
      <input
        ref={input}
        className="palette-input"
        role="combobox"
        aria-label="Find or type a command"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={current ? `${listId}-${Math.min(active, entries.length - 1)}` : undefined}
        placeholder="Go to… or a command: stop web, pull nginx:1.27, prune dangling images"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKey}
        spellCheck={false}
        autoComplete="off"
      />
      <ul className="palette-list" role="listbox" id={listId} aria-label="Results">
        {entries.map((e, i) => (
          <li
            key={e.key}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={e === current}
            aria-disabled={e.do.kind === 'none' || undefined}
            className={e === current ? 'active' : undefined}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(ev) => (ev.preventDefault(), void runEntry(e))}
          >
            <span>{e.title}</span>
            <span className="muted small">{e.hint}</span>
          </li>
        ))}
        {!entries.length && <li className="muted">Nothing matches “{query}”.</li>}
      </ul>
    </Modal>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Ctrl+K / ⌘K', 'Open the command palette: go anywhere, or run a command (in a terminal, Ctrl+K is the shell’s)'],
  ['?', 'This list'],
  ['↑ ↓ and Enter', 'In the palette: choose and do'],
  ['← → Home End', 'On a row of tabs: move between tabs'],
  ['Esc', 'Close a dialog, the palette or this list'],
  ['Alt+← / Alt+→', 'Back and forward (every view, page and tab has a URL)'],
];

export function ShortcutsDialog() {
  return (
    <Dialog title="Keyboard shortcuts" onClose={closeShortcuts}>
      <table className="shortcuts" aria-label="Shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}

/** Where a typed key is text (a field, a terminal): `?` is not a shortcut there. */
const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** The palette and the shortcuts list, and the keys that open them from anywhere. */
export function PaletteLayer() {
  const { open, shortcuts } = usePalette(useShallow((s) => ({ open: s.open, shortcuts: s.shortcuts })));
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        if (e.target instanceof Element && e.target.closest('.xterm')) return; // the shell's kill-line
        e.preventDefault();
        return usePalette.getState().open ? closePalette() : openPalette();
      }
      const { dialog, confirm } = useUi.getState();
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target) && !dialog && !confirm && !usePalette.getState().open) {
        e.preventDefault();
        openShortcuts();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      {open && <CommandPalette />}
      {shortcuts && <ShortcutsDialog />}
    </>
  );
}
