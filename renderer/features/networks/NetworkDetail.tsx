import { Badge } from '../../components/Badge';
import { relativeTime, shortId } from '../../lib/format';
import { disconnectNetwork, removeNetworks, removeOpen } from '../../stores/actions';
import { loadNetwork, useLoaded } from '../../stores/details';
import { networks } from '../../stores/resources';
import { openContainer, openDialog } from '../../stores/ui';
import { DetailHeader, Facts, InspectJson, lines, NotShown, pairs } from '../details/DetailPage';

export function NetworkDetail({ id: asked }: { id: string }) {
  const row = networks.use((s) => s.items.find((n) => n.id === asked || n.name === asked || (asked.length >= 12 && n.id.startsWith(asked))));
  const loaded = useLoaded(loadNetwork, asked, row);
  const n = loaded.data;
  return (
    <section className="view detail">
      <DetailHeader
        back="Networks"
        title={n?.name ?? asked}
        badges={
          n && (
            <>
              {n.builtin && <Badge label="built-in" />}
              {n.internal && <Badge label="internal" />}
            </>
          )
        }
        actions={
          n &&
          !n.builtin && (
            <>
              <button onClick={() => openDialog({ kind: 'network-connect', networkId: n.id, networkName: n.name })}>Connect…</button>
              <button className="danger" onClick={() => void removeOpen(removeNetworks, n.id, asked)}>
                Remove
              </button>
            </>
          )
        }
      />
      {!n || loaded.missing ? (
        <NotShown loaded={loaded} noun="network" asked={asked} back="Networks" />
      ) : (
        <div className="detail-body">
          <Facts
            label="Network"
            rows={[
              ['Id', n.id],
              ['Driver', n.driver],
              ['Scope', n.scope],
              ['Subnet', lines(n.ipam.map((c) => c.subnet))],
              ['Gateway', lines(n.ipam.flatMap((c) => (c.gateway ? [c.gateway] : [])))],
              ['IP range', lines(n.ipam.flatMap((c) => (c.ipRange ? [c.ipRange] : [])))],
              ['Internal', n.internal ? 'yes: no outside access' : 'no'],
              ['Attachable', n.attachable ? 'yes' : 'no'],
              ['IPv6', n.ipv6 ? 'enabled' : 'no'],
              ['Created', n.created ? `${new Date(n.created).toLocaleString()} (${relativeTime(n.created)})` : ''],
              ['Labels', pairs(n.labels)],
              ['Options', pairs(n.options)],
            ]}
          />
          <h2>Members</h2>
          {n.members.length ? (
            <div className="table-wrap">
              <table aria-label="Members">
                <thead>
                  <tr>
                    <th>Container</th>
                    <th>IPv4</th>
                    <th>IPv6</th>
                    <th>MAC</th>
                    <th>Aliases</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {n.members.map((m) => (
                    <tr key={m.id}>
                      <td>
                        <button className="link" onClick={() => openContainer(m.id)}>
                          {m.name}
                        </button>{' '}
                        <span className="muted mono">{shortId(m.id)}</span>
                      </td>
                      <td className="mono">{m.ipv4 ?? <span className="muted">not running</span>}</td>
                      <td className="mono">{m.ipv6 ?? '—'}</td>
                      <td className="mono">{m.mac ?? '—'}</td>
                      <td className="mono">{m.aliases.join(', ') || '—'}</td>
                      <td className="col-actions">
                        {!n.builtin || n.name === 'bridge' ? (
                          <button className="small" aria-label={`Disconnect ${m.name} from ${n.name}`} onClick={() => void disconnectNetwork(n.id, m.id, m.name)}>
                            Disconnect
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No container is connected.</p>
          )}
          <InspectJson view="networks" id={n.id} />
        </div>
      )}
    </section>
  );
}
