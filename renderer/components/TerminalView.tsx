import { useEffect, useRef } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

interface Props {
  /** A new key means a new terminal (another container). */
  sessionKey: string;
  /** Connects the screen to a session: output goes to `write`; returns the detach. */
  attach: (write: (data: string, rendered: () => void) => void, size: { cols: number; rows: number }) => () => void;
  onInput: (data: string) => void;
  onResize: (cols: number, rows: number) => void;
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** xterm.js sized to its box (fit addon), colours from the app theme. */
export function TerminalView(p: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const props = useRef(p);
  props.current = p;

  useEffect(() => {
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      scrollback: 5000,
      theme: { background: cssVar('--panel'), foreground: cssVar('--text'), cursor: cssVar('--accent'), selectionBackground: cssVar('--row-selected') },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(ref.current!);
    fit.fit();
    const detach = props.current.attach((data, rendered) => term.write(data, rendered), { cols: term.cols, rows: term.rows });
    const input = term.onData((d) => props.current.onInput(d));
    const resize = term.onResize(({ cols, rows }) => props.current.onResize(cols, rows));
    const ro = new ResizeObserver(() => fit.fit());
    ro.observe(ref.current!);
    term.focus();
    return () => {
      ro.disconnect();
      input.dispose();
      resize.dispose();
      detach();
      term.dispose();
    };
  }, [p.sessionKey]);

  return <div className="terminal" ref={ref} aria-label="Terminal" />;
}
