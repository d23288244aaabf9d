import { useEngine } from '../../stores/engine';
import { TerminalPanel } from './TerminalPanel';

const HOST = { kind: 'host' } as const;

export function HostTerminalView() {
  const endpoint = useEngine((s) => s.status?.endpoint);
  return (
    <section className="view detail">
      <header className="toolbar">
        <h1>Terminal</h1>
      </header>
      <TerminalPanel target={HOST} intro={`A shell on this machine; docker here talks to ${endpoint ?? 'the engine Berth uses'}.`} />
    </section>
  );
}
