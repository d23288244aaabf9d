import { useEffect, useRef, useState, type ReactNode } from 'react';
import { TerminalView } from '../../components/TerminalView';
import { attachTerminal, closeTerminal, discardTerminal, terminalInput, terminalResize, terminalStatus, useTerminals, type TerminalTarget } from '../../stores/terminals';

/**
 * A terminal with its session controls; stays mounted after the shell ends so its last output stays
 * readable. A change of `restart` ends the session and starts a new one (new exec choices).
 */
export function TerminalPanel({ target, intro, restart = 0, children }: { target: TerminalTarget; intro: string; restart?: number; children?: ReactNode }) {
  const status = useTerminals(terminalStatus(target));
  const [generation, setGeneration] = useState(0); // a new key mounts a new view, which starts a new shell
  const shown = useRef(restart);
  useEffect(() => {
    if (shown.current === restart) return;
    shown.current = restart;
    closeTerminal(target);
    discardTerminal(target);
    setGeneration((g) => g + 1);
  }, [restart, target]);
  const ended = status && status.state !== 'open';
  return (
    <div className="terminal-tab">
      {children}
      <div className="log-toolbar">
        <span className="muted">{ended ? status.message : intro}</span>
        <span className="toolbar-actions">
          {ended ? (
            <button
              onClick={() => {
                discardTerminal(target);
                setGeneration((g) => g + 1);
              }}
            >
              {status.reconnect ? 'Reconnect' : 'New session'}
            </button>
          ) : (
            <button onClick={() => closeTerminal(target)}>End session</button>
          )}
        </span>
      </div>
      <TerminalView
        sessionKey={`${target.kind === 'host' ? 'host' : target.id}:${generation}`}
        attach={(write, size) => attachTerminal(target, write, size)}
        onInput={(d) => terminalInput(target, d)}
        onResize={(c, r) => terminalResize(target, c, r)}
      />
    </div>
  );
}
