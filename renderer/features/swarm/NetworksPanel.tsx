/** A manager's overlay networks: made (attachable, encrypted, a subnet or the managers' pick), listed with the services and nodes on each, removed when unused. */
import { useState } from 'react';
import type { OverlayNetwork } from '../../../electron/shared/models';
import { relativeTime, shortId } from '../../lib/format';
import { createOverlay, removeOverlay, useSwarmData } from '../../stores/swarm-secrets';
import { Refused, useAction } from './SwarmForms';

function CreateOverlay() {
  const [name, setName] = useState('');
  const [subnet, setSubnet] = useState('');
  const [attachable, setAttachable] = useState(true);
  const [encrypted, setEncrypted] = useState(false);
  const { busy, refusal, submit } = useAction(async () => {
    const r = await createOverlay({ name: name.trim(), attachable, encrypted, ...(subnet.trim() ? { subnet: subnet.trim() } : {}) });
    if (!r) {
      setName('');
      setSubnet('');
    }
    return r;
  });
  return (
    <form className="stat-card" aria-label="Create an overlay network" onSubmit={submit}>
      <strong>Create an overlay network</strong>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="backend" autoComplete="off" spellCheck={false} />
      </label>
      <label>
        Subnet
        <input className="mono" value={subnet} onChange={(e) => setSubnet(e.target.value)} placeholder="(the managers pick one) 10.20.0.0/24" spellCheck={false} />
      </label>
      <label className="check">
        <input type="checkbox" checked={attachable} onChange={(e) => setAttachable(e.target.checked)} /> Attachable (plain containers may join it)
      </label>
      <label className="check">
        <input type="checkbox" checked={encrypted} onChange={(e) => setEncrypted(e.target.checked)} /> Encrypted (IPsec between nodes; each node's kernel needs ESP and AES-GCM)
      </label>
      <Refused r={refusal} />
      <button type="submit" disabled={busy || !name.trim()}>
        {busy ? 'Creating…' : 'Create'}
      </button>
    </form>
  );
}

function OverlayRow({ n }: { n: OverlayNetwork }) {
  const busy = useSwarmData((s) => s.busy.includes(`net:${n.id}`));
  const options = [n.ingress && 'routing mesh', n.attachable && 'attachable', n.encrypted && 'encrypted'].filter(Boolean).join(', ');
  return (
    <tr aria-label={n.name}>
      <td>
        <strong>{n.name}</strong>
        <div className="muted mono small">
          {shortId(n.id)}
          {n.stack ? ` · stack ${n.stack}` : ''}
        </div>
      </td>
      <td className="mono">{n.subnets.join(', ') || '—'}</td>
      <td>{options || '—'}</td>
      <td aria-label={`Services on ${n.name}`}>{n.services.map((s) => s.name).join(', ') || <span className="muted">none</span>}</td>
      <td aria-label={`Nodes of ${n.name}`}>{n.nodes.join(', ') || <span className="muted">none</span>}</td>
      <td className="nowrap">{relativeTime(n.created)}</td>
      <td className="col-actions">
        {!n.ingress && (
          <button className="danger" disabled={busy} onClick={() => void removeOverlay(n)} aria-label={`Remove ${n.name}`}>
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}

export function NetworksPanel({ stale }: { stale: boolean }) {
  const overlays = useSwarmData((s) => s.overlays);
  return (
    <>
      <h2>Overlay networks</h2>
      <div className="stats-grid">
        <CreateOverlay />
      </div>
      <div className={`table-wrap${stale ? ' stale' : ''}`}>
        <table aria-label="Overlay networks">
          <thead>
            <tr>
              <th>Network</th>
              <th>Subnet</th>
              <th>Options</th>
              <th>Services</th>
              <th>Nodes</th>
              <th>Created</th>
              <th className="col-actions" />
            </tr>
          </thead>
          <tbody>
            {overlays.map((n) => (
              <OverlayRow key={n.id} n={n} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
