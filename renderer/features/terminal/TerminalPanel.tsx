import { useState } from 'react';
import { TerminalView } from '../../components/TerminalView';
import { attachTerminal, closeTerminal, discardTerminal, terminalInput, terminalResize, terminalStatus, useTerminals, type TerminalTarget } from '../../stores/terminals';

/** A terminal with its session controls; stays mounted after the shell ends so its last output stays readable. */
export function TerminalPanel({ target, intro }: { target: TerminalTarget; intro: string }) {
  const status = useTerminals(terminalStatus(target));
  const [generation, setGeneration] = useState(0); // a new key mounts a new view, which starts a new shell
  const ended = status && status.state !== 'open';
  return (
    <div className="terminal-tab">
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
