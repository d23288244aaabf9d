/** A manager's nodes: role, availability, status, engine, resources, labels (edited in place), and their actions. */
import { useState } from 'react';
import type { SwarmNode } from '../../../electron/shared/models';
import { formatBytes, shortId } from '../../lib/format';
import { removeNode, updateNode, useSwarm } from '../../stores/swarm';
import { useAction, Refused } from './SwarmForms';

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

export function Nodes({ nodes, stale }: { nodes: SwarmNode[]; stale: boolean }) {
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
