/**
 * Swarm: make one on the engine in use (at the advertise address the user names), join one by
 * token, or, on a manager, see the join tokens (masked until asked), add Berth's other engines in a
 * click and act on each node (drain / pause / activate, promote / demote, labels, remove).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { NodeRole, SwarmNode } from '../../../electron/shared/models';
import { formatBytes, shortId } from '../../lib/format';
import { useContexts } from '../../stores/contexts';
import { addEngine, converging, hideTokens, initSwarm, joinSwarm, leaveSwarm, loadSwarm, removeNode, showTokens, updateNode, useSwarm } from '../../stores/swarm';
import type { Refusal } from '../../stores/ui';
import { ServicesPanel } from './ServicesPanel';

const ADDR_HELP = 'An address of this engine’s machine that the other nodes reach (an IP or an interface name such as eth0). Berth never picks one for you.';

function Refused({ r }: { r?: Refusal }) {
  if (!r) return null;
  return (
    <div className="form-error" role="alert">
      <p>{r.message}</p>
      {r.hint && <p className="hint">{r.hint}</p>}
    </div>
  );
}

/** A small form that runs `action` and shows its refusal under it. */
function useAction(action: () => Promise<Refusal | undefined>) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setRefusal(undefined);
    void action()
      .then(setRefusal)
      .finally(() => setBusy(false));
  };
  return { busy, refusal, submit };
}

function MakeSwarm({ engine }: { engine: string }) {
  const [addr, setAddr] = useState('');
  const { busy, refusal, submit } = useAction(() => initSwarm(addr.trim()));
  return (
    <form className="stat-card" aria-label="Make a swarm" onSubmit={submit}>
      <strong>Make a swarm on {engine}</strong>
      <p className="muted small">This engine becomes the swarm’s first manager.</p>
      <label>
        Advertise address
        <input className="mono" value={addr} onChange={(e) => setAddr(e.target.value)} placeholder="192.168.1.5 or eth0" spellCheck={false} aria-describedby="swarm-addr-help" />
      </label>
      <p className="muted small" id="swarm-addr-help">
        {ADDR_HELP}
      </p>
      <Refused r={refusal} />
      <button type="submit" className="primary" disabled={busy || !addr.trim()}>
        {busy ? 'Making…' : 'Make a swarm'}
      </button>
    </form>
  );
}

function JoinSwarm() {
  const [remote, setRemote] = useState('');
  const [token, setToken] = useState('');
  const [addr, setAddr] = useState('');
  const { busy, refusal, submit } = useAction(() => joinSwarm(remote.trim(), token.trim(), addr.trim()));
  return (
    <form className="stat-card" aria-label="Join a swarm" onSubmit={submit}>
      <strong>Join a swarm</strong>
      <p className="muted small">With a token from one of its managers (`docker swarm join-token worker`).</p>
      <label>
        Manager address
        <input className="mono" value={remote} onChange={(e) => setRemote(e.target.value)} placeholder="192.168.1.5:2377" spellCheck={false} />
      </label>
      <label>
        Join token
        <input className="mono" type="password" value={token} onChange={(e) => setToken(e.target.value)} placeholder="SWMTKN-1-…" spellCheck={false} autoComplete="off" />
      </label>
      <label>
        This engine’s advertise address
        <input className="mono" value={addr} onChange={(e) => setAddr(e.target.value)} placeholder="192.168.1.6 or eth0" spellCheck={false} />
      </label>
      <Refused r={refusal} />
      <button type="submit" disabled={busy || !remote.trim() || !token.trim() || !addr.trim()}>
        {busy ? 'Joining…' : 'Join'}
      </button>
    </form>
  );
}

function JoinTokens() {
  const tokens = useSwarm((s) => s.tokens);
  const copy = (text: string) => void navigator.clipboard?.writeText(text).catch(() => undefined);
  const addr = tokens?.managerAddrs[0] ?? '<manager>:2377';
  return (
    <div className="stat-card" aria-label="Join tokens">
      <strong>Join tokens</strong>
      <p className="muted small">Anyone with a token can join the swarm in that role: keep them secret.</p>
      {(['worker', 'manager'] as const).map((role) => (
        <div key={role} className="token-row">
          <span className="muted">{role === 'worker' ? 'Worker' : 'Manager'}</span>{' '}
          <code className="mono" aria-label={`${role} token`}>
            {tokens ? tokens[role] : 'SWMTKN-1-' + '•'.repeat(12)}
          </code>
          {tokens && (
            <button type="button" className="small" onClick={() => copy(`docker swarm join --token ${tokens[role]} ${addr}`)} aria-label={`Copy the ${role} join command`}>
              Copy command
            </button>
          )}
        </div>
      ))}
      <span className="row-actions">
        {tokens ? (
          <button type="button" onClick={hideTokens}>
            Hide tokens
          </button>
        ) : (
          <button type="button" onClick={() => void showTokens()}>
            Show tokens
          </button>
        )}
      </span>
      {tokens && <p className="muted small">Managers answer at {tokens.managerAddrs.join(', ')}.</p>}
    </div>
  );
}

function AddEngine() {
  const contexts = useContexts((s) => s.contexts);
  const choices = contexts.filter((c) => !c.active && !c.problem);
  const [context, setContext] = useState('');
  const [role, setRole] = useState<NodeRole>('worker');
  const [addr, setAddr] = useState('');
  const picked = context || choices[0]?.name || '';
  const { busy, refusal, submit } = useAction(() => addEngine(picked, role, addr.trim()));
  return (
    <form className="stat-card" aria-label="Add an engine" onSubmit={submit}>
      <strong>Add an engine</strong>
      {choices.length === 0 ? (
        <p className="muted small">Berth has no other engine to add. Add one in Settings → Engines, or join one with a token from its own machine.</p>
      ) : (
        <>
          <label>
            Engine
            <select value={picked} onChange={(e) => setContext(e.target.value)}>
              {choices.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value as NodeRole)}>
              <option value="worker">worker</option>
              <option value="manager">manager</option>
            </select>
          </label>
          <label>
            Its advertise address
            <input className="mono" value={addr} onChange={(e) => setAddr(e.target.value)} placeholder="192.168.1.6 or eth0" spellCheck={false} />
          </label>
          <Refused r={refusal} />
          <button type="submit" disabled={busy || !picked || !addr.trim()}>
            {busy ? 'Joining…' : `Join ${picked}`}
          </button>
        </>
      )}
    </form>
  );
}

/** "zone=b, disk=ssd" <-> labels. */
const labelsText = (l: Record<string, string>) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
function parseLabels(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (!part) continue;
    const at = part.indexOf('=');
    const key = (at < 0 ? part : part.slice(0, at)).trim();
    if (!key) return `"${part}" has no key: write key=value.`;
    out[key] = at < 0 ? '' : part.slice(at + 1).trim();
  }
  return out;
}

function LabelsEditor({ node, onDone }: { node: SwarmNode; onDone: () => void }) {
  const [text, setText] = useState(labelsText(node.labels));
  const { busy, refusal, submit } = useAction(async () => {
    const labels = parseLabels(text);
    if (typeof labels === 'string') return { message: labels };
    const r = await updateNode(node, { labels });
    if (!r) onDone();
    return r;
  });
  return (
    <form onSubmit={submit} aria-label={`Labels of ${node.hostname}`}>
      <input className="mono" value={text} onChange={(e) => setText(e.target.value)} placeholder="zone=b, disk=ssd" aria-label="Labels" spellCheck={false} autoFocus />
      <button type="submit" className="small" disabled={busy}>
        Save
      </button>
      <button type="button" className="small" onClick={onDone}>
        Cancel
      </button>
      <Refused r={refusal} />
    </form>
  );
}

function NodeRow({ node }: { node: SwarmNode }) {
  const busy = useSwarm((s) => s.busy.includes(node.id));
  const [editing, setEditing] = useState(false);
  const other = (['active', 'pause', 'drain'] as const).filter((a) => a !== node.availability);
  const verb = { active: 'Activate', pause: 'Pause', drain: 'Drain' } as const;
  return (
    <tr aria-label={node.hostname}>
      <td>
        <strong>{node.hostname}</strong>
        <div className="muted mono small">
          {shortId(node.id)}
          {node.self ? ' · this engine' : ''}
        </div>
      </td>
      <td>
        {node.role}
        {node.leader ? ' (leader)' : node.reachability ? ` (${node.reachability})` : ''}
      </td>
      <td>{node.availability}</td>
      <td title={node.message}>{node.status}</td>
      <td className="mono">{node.addr}</td>
      <td className="mono">{node.engineVersion}</td>
      <td className="nowrap">
        {node.cpus} CPU · {formatBytes(node.memoryBytes)}
      </td>
      <td>
        {editing ? (
          <LabelsEditor node={node} onDone={() => setEditing(false)} />
        ) : (
          <span className="chips">
            {Object.entries(node.labels).map(([k, v]) => (
              <span className="chip mono" key={k}>
                {k}
                {v ? `=${v}` : ''}
              </span>
            ))}
            <button className="small" onClick={() => setEditing(true)} aria-label={`Edit the labels of ${node.hostname}`}>
              Edit
            </button>
          </span>
        )}
      </td>
      <td className="col-actions">
        <span className="row-actions">
          {other.map((a) => (
            <button key={a} disabled={busy} onClick={() => void updateNode(node, { availability: a })} aria-label={`${verb[a]} ${node.hostname}`}>
              {verb[a]}
            </button>
          ))}
          <button
            disabled={busy}
            onClick={() => void updateNode(node, { role: node.role === 'manager' ? 'worker' : 'manager' })}
            aria-label={`${node.role === 'manager' ? 'Demote' : 'Promote'} ${node.hostname}`}
          >
            {node.role === 'manager' ? 'Demote' : 'Promote'}
          </button>
          {!node.self && (
            <button className="danger" disabled={busy} onClick={() => void removeNode(node)} aria-label={`Remove ${node.hostname}`}>
              Remove
            </button>
          )}
        </span>
      </td>
    </tr>
  );
}

function Nodes({ nodes, stale }: { nodes: SwarmNode[]; stale: boolean }) {
  return (
    <div className={`table-wrap${stale ? ' stale' : ''}`}>
      <table aria-label="Nodes">
        <thead>
          <tr>
            <th>Node</th>
            <th>Role</th>
            <th>Availability</th>
            <th>Status</th>
            <th>Address</th>
            <th>Engine</th>
            <th>Resources</th>
            <th>Labels</th>
            <th className="col-actions" />
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <NodeRow key={n.id} node={n} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

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
      {state?.state === 'inactive' && (
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
          <ServicesPanel stale={stale} />
        </>
      )}
    </section>
  );
}
