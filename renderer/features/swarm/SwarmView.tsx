/**
 * Swarm: make one on the engine in use (at the advertise address the user names), join one by
 * token, or, on a manager, see the join tokens (masked until asked), add Berth's other engines in a
 * click and act on each node (drain / pause / activate, promote / demote, labels, remove).
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useContexts } from '../../stores/contexts';
import { useEngine } from '../../stores/engine';
import { converging, leaveSwarm, loadSwarm, useSwarm } from '../../stores/swarm';
import { Nodes } from './NodesTable';
import { ServicesPanel } from './ServicesPanel';
import { StacksPanel } from './StacksPanel';
import { NetworksPanel } from './NetworksPanel';
import { SecretsPanel } from './SecretsPanel';
import { AddEngine, JoinSwarm, JoinTokens, MakeSwarm } from './SwarmForms';

export function SwarmView({ stale }: { stale: boolean }) {
  const { state, nodes, error } = useSwarm(useShallow((s) => ({ state: s.state, nodes: s.nodes, error: s.error })));
  const engine = useContexts((s) => s.contexts.find((c) => c.active)?.name ?? 'this engine');
  useEffect(() => void loadSwarm(), []);
  const moving = useSwarm(converging);
  useEffect(() => {
    if (!moving || stale) return;
    const t = setInterval(() => void loadSwarm(), 2000); // only while something converges: see `converging`
    return () => clearInterval(t);
  }, [moving, stale]);
  const inSwarm = state && state.state !== 'inactive';
  const podman = useEngine((s) => s.status?.product === 'podman');
  return (
    <section className="view">
      <header className="toolbar">
        <h1>Swarm</h1>
        <span className="toolbar-actions">
          <button onClick={() => void loadSwarm()}>Refresh</button>
          {inSwarm && (
            <button className="danger" onClick={() => void leaveSwarm()}>
              Leave the swarm…
            </button>
          )}
        </span>
      </header>
      {error && !stale && <p className="list-error">{error}</p>}
      {!state && !error && <p className="muted">{stale ? 'Shown once the engine answers: the banner above says why.' : 'Loading…'}</p>}
      {state && (
        <p className="muted" aria-label="Swarm state">
          {state.state === 'inactive'
            ? `${engine} is not in a swarm.`
            : state.state === 'active'
              ? `${engine} is a ${state.manager ? 'manager' : 'worker'} of a swarm${state.nodes !== undefined ? ` of ${state.nodes} node${state.nodes === 1 ? '' : 's'} (${state.managers} manager${state.managers === 1 ? '' : 's'})` : ''}, at ${state.nodeAddr ?? '?'}.`
              : `${engine}'s swarm state: ${state.state}${state.error ? ` (${state.error})` : ''}.`}
          {state.state === 'active' && !state.manager && ` Its managers: ${state.remoteManagers.map((m) => m.addr).join(', ') || 'none known'}. Nodes are listed on a manager.`}
        </p>
      )}
      {state?.state === 'inactive' && podman && (
        <p className="muted" role="note">
          {engine} is a Podman engine: Podman has no Swarm mode, so it can neither make nor join a swarm. Switch Berth to a Docker engine for Swarm.
        </p>
      )}
      {state?.state === 'inactive' && !podman && (
        <div className="stats-grid">
          <MakeSwarm engine={engine} />
          <JoinSwarm />
        </div>
      )}
      {state?.state === 'active' && state.manager && (
        <>
          <div className="stats-grid">
            <JoinTokens />
            <AddEngine />
          </div>
          <Nodes nodes={nodes} stale={stale} />
          <StacksPanel stale={stale} />
          <ServicesPanel stale={stale} />
          <SecretsPanel stale={stale} />
          <NetworksPanel stale={stale} />
        </>
      )}
    </section>
  );
}
