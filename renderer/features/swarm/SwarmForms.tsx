/** The Swarm page's forms: make a swarm, join one by token, the join tokens (masked until shown), add an engine. */
import { useState, type FormEvent } from 'react';
import type { NodeRole } from '../../../electron/shared/models';
import { useContexts, VM_CONTEXT } from '../../stores/contexts';
import { useVm } from '../../stores/vm';
import { addEngine, hideTokens, initSwarm, joinSwarm, showTokens, useSwarm } from '../../stores/swarm';
import type { Refusal } from '../../stores/ui';

const ADDR_HELP = 'An address of this engine’s machine that the other nodes reach (an IP or an interface name such as eth0). Berth never picks one for you.';

export function Refused({ r }: { r?: Refusal }) {
  if (!r) return null;
  return (
    <div className="form-error" role="alert">
      <p>{r.message}</p>
      {r.hint && <p className="hint">{r.hint}</p>}
    </div>
  );
}

/** A small form that runs `action` and shows its refusal under it. */
export function useAction(action: () => Promise<Refusal | undefined>) {
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

export function MakeSwarm({ engine }: { engine: string }) {
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

export function JoinSwarm() {
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

export function JoinTokens() {
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

export function AddEngine() {
  const contexts = useContexts((s) => s.contexts);
  const vmStopped = useVm((s) => !!s.info && s.info.state !== 'running');
  // The Berth VM, when not running, cannot join: it is left out and said so.
  const choices = contexts.filter((c) => !c.active && !c.problem && !(c.name === VM_CONTEXT && vmStopped));
  const vmLeftOut = vmStopped && contexts.some((c) => c.name === VM_CONTEXT && !c.active);
  const [context, setContext] = useState('');
  const [role, setRole] = useState<NodeRole>('worker');
  const [addr, setAddr] = useState('');
  const picked = choices.some((c) => c.name === context) ? context : choices[0]?.name || '';
  const chosen = contexts.find((c) => c.name === picked);
  // A join token sent to a plain tcp:// engine crosses the network unencrypted: anyone on the way can join the swarm with it.
  const plain = !!chosen && /^tcp:\/\//.test(chosen.host) && !chosen.tls;
  const { busy, refusal, submit } = useAction(() => addEngine(picked, role, addr.trim()));
  return (
    <form className="stat-card" aria-label="Add an engine" onSubmit={submit}>
      <strong>Add an engine</strong>
      {vmLeftOut && <p className="muted small">The Berth VM is not listed: it is stopped. Start it (Berth VM) to add it.</p>}
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
          {plain && (
            <p className="warning" role="note">
              {picked} is reached over plain tcp:// without TLS: the join token goes to it unencrypted, and anyone who sees it on the way can join the swarm with it. Prefer an engine reached over TLS
              or SSH.
            </p>
          )}
          <Refused r={refusal} />
          <button type="submit" disabled={busy || !picked || !addr.trim()}>
            {busy ? 'Joining…' : `Join ${picked}`}
          </button>
        </>
      )}
    </form>
  );
}
