import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { NetworkSummary } from '../../../electron/shared/models';
import { Dialog } from '../../components/Dialog';
import type { Column } from '../../components/Table';
import { relativeTime, shortId } from '../../lib/format';
import { connectNetwork, createNetwork, disconnectNetwork, pruneNetworks, removeNetworks } from '../../stores/actions';
import { containers, networks } from '../../stores/resources';
import { ResourceList } from '../ResourceList';
import { closeDialog, openDetail, openDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';

const columns: Column<NetworkSummary>[] = [
  {
    id: 'name',
    title: 'Name',
    sortKey: 'name',
    render: (n) => (
      <div className="name-cell">
        <button className="link" onClick={() => openDetail('networks', n.id)} title="Addresses and members">
          <strong>{n.name}</strong>
        </button>
        <span className="muted mono">
          {shortId(n.id)}
          {n.builtin ? ' · built-in' : ''}
          {n.internal ? ' · internal' : ''}
        </span>
      </div>
    ),
  },
  { id: 'driver', title: 'Driver', sortKey: 'driver', render: (n) => n.driver },
  { id: 'subnet', title: 'Subnet', render: (n) => <span className="mono">{n.subnets.join(', ') || '—'}</span> },
  {
    id: 'containers',
    title: 'Containers',
    sortKey: 'containers',
    render: (n) => (
      <span className="chips">
        {n.containers.map((c) => (
          <span className="chip" key={c.id}>
            {c.name}
            <button className="icon" aria-label={`Disconnect ${c.name} from ${n.name}`} title="Disconnect" onClick={() => void disconnectNetwork(n.id, c.id, c.name)}>
              ×
            </button>
          </span>
        ))}
      </span>
    ),
  },
  { id: 'created', title: 'Created', sortKey: 'created', className: 'nowrap', render: (n) => relativeTime(n.created) },
  {
    id: 'actions',
    title: '',
    className: 'col-actions',
    render: (n) =>
      n.builtin ? null : (
        <span className="row-actions">
          <button onClick={() => openDialog({ kind: 'network-connect', networkId: n.id, networkName: n.name })} aria-label={`Connect a container to ${n.name}…`}>
            Connect…
          </button>
          <button className="danger" onClick={() => void removeNetworks([n.id])} aria-label={`Remove ${n.name}`}>
            Remove
          </button>
        </span>
      ),
  },
];

export function CreateNetworkDialog() {
  const [name, setName] = useState('');
  const [subnet, setSubnet] = useState('');
  const [internal, setInternal] = useState(false);
  const { busy, error, hint, errorKey, submit } = useSubmit(() => createNetwork({ name: name.trim(), internal, ...(subnet.trim() ? { subnet: subnet.trim() } : {}) }));
  return (
    <Dialog title="Create network" submitLabel="Create" onClose={closeDialog} onSubmit={submit} busy={busy} error={error} hint={hint} errorKey={errorKey}>
      <label>
        Name
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="my-net" autoComplete="off" />
      </label>
      <label>
        Driver
        <select name="driver" value="bridge" disabled>
          <option value="bridge">bridge</option>
        </select>
      </label>
      <label>
        <span>
          Subnet <span className="muted">(optional, CIDR)</span>
        </span>
        <input name="subnet" value={subnet} onChange={(e) => setSubnet(e.target.value)} placeholder="172.30.0.0/16" autoComplete="off" />
      </label>
      <label className="check">
        <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> Internal (no outside access)
      </label>
    </Dialog>
  );
}

export function ConnectDialog({ networkId, networkName }: { networkId: string; networkName: string }) {
  const attached = networks.use(useShallow((s) => s.items.find((n) => n.id === networkId)?.containers.map((c) => c.id) ?? []));
  const candidates = containers.use(useShallow((s) => s.items.filter((c) => !attached.includes(c.id)).map((c) => c.name)));
  const [container, setContainer] = useState('');
  const chosen = container || candidates[0] || '';
  const { busy, error, hint, errorKey, submit } = useSubmit(() => connectNetwork(networkId, chosen));
  return (
    <Dialog title={`Connect a container to ${networkName}`} submitLabel="Connect" onClose={closeDialog} onSubmit={submit} busy={busy || !chosen} error={error} hint={hint} errorKey={errorKey}>
      {candidates.length ? (
        <label>
          Container
          <select name="container" value={chosen} onChange={(e) => setContainer(e.target.value)}>
            {candidates.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      ) : (
        <p className="muted">Every container is already connected to this network.</p>
      )}
    </Dialog>
  );
}

export function NetworksView({ stale }: { stale: boolean }) {
  return (
    <ResourceList
      store={networks}
      title="Networks"
      noun="network"
      columns={columns}
      bulk={(selected) => (
        <button className="danger" onClick={() => void removeNetworks(selected)}>
          Remove
        </button>
      )}
      actions={
        <>
          <button onClick={() => void pruneNetworks()}>Prune unused</button>
          <button className="primary" onClick={() => openDialog({ kind: 'network-create' })}>
            Create network
          </button>
        </>
      }
      isSelectable={(n) => !n.builtin}
      emptyHint="No networks."
      stale={stale}
    />
  );
}
