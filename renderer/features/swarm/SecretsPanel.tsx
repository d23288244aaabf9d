/**
 * A manager's secrets and configs: made from typed text or a file on this machine (a secret's value
 * is masked while typed and never shown again: the list has only names and uses), each with the
 * services that mount it and where; "Use in service…" mounts it in a service's tasks, Detach takes
 * it out, Remove is refused in words while a service uses it.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SwarmData, SwarmDataKind } from '../../../electron/shared/models';
import { relativeTime } from '../../lib/format';
import { useSwarm } from '../../stores/swarm';
import { attachSwarmData, createSwarmData, detachSwarmData, removeSwarmData, useSwarmData } from '../../stores/swarm-secrets';
import { Refused, useAction } from './SwarmForms';

const MASK = '•'.repeat(10);

function CreateData() {
  const [kind, setKind] = useState<SwarmDataKind>('secret');
  const [name, setName] = useState('');
  const [from, setFrom] = useState<'typed' | 'file'>('typed');
  const [value, setValue] = useState('');
  const [file, setFile] = useState('');
  const { busy, refusal, submit } = useAction(async () => {
    const r = await createSwarmData({ kind, name: name.trim(), ...(from === 'typed' ? { value } : { file: file.trim() }) });
    if (!r) {
      setName('');
      setValue('');
      setFile('');
    }
    return r;
  });
  return (
    <form className="stat-card" aria-label="Create a secret or config" onSubmit={submit}>
      <strong>Create a secret or config</strong>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as SwarmDataKind)}>
          <option value="secret">secret (encrypted, shown to no one)</option>
          <option value="config">config (plain file)</option>
        </select>
      </label>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={kind === 'secret' ? 'db_password' : 'nginx.conf'} autoComplete="off" spellCheck={false} />
      </label>
      <label>
        From
        <select value={from} onChange={(e) => setFrom(e.target.value as 'typed' | 'file')}>
          <option value="typed">typed text</option>
          <option value="file">a file on this machine</option>
        </select>
      </label>
      {from === 'typed' ? (
        <label>
          Value
          {kind === 'secret' ? (
            <input type="password" className="mono" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="new-password" spellCheck={false} />
          ) : (
            <textarea className="mono" rows={4} value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} />
          )}
        </label>
      ) : (
        <label>
          File
          <input className="mono" value={file} onChange={(e) => setFile(e.target.value)} placeholder="/home/me/db-password.txt" spellCheck={false} />
        </label>
      )}
      {kind === 'secret' && <p className="muted small">Masked as you type; Berth sends it to the swarm once and never shows or logs it.</p>}
      <Refused r={refusal} />
      <button type="submit" disabled={busy || !name.trim() || (from === 'file' && !file.trim())}>
        {busy ? 'Creating…' : 'Create'}
      </button>
    </form>
  );
}

function UseInService({ d, onDone }: { d: SwarmData; onDone: () => void }) {
  const services = useSwarm((s) => s.services);
  const choices = services.filter((s) => !d.usedBy.some((u) => u.serviceId === s.id));
  const [service, setService] = useState('');
  const [target, setTarget] = useState('');
  const picked = service || choices[0]?.id || '';
  const { busy, refusal, submit } = useAction(async () => {
    const r = await attachSwarmData(d, picked, target.trim() || undefined);
    if (!r) onDone();
    return r;
  });
  return (
    <form aria-label={`Use ${d.name} in a service`} onSubmit={submit} className="row-actions">
      {choices.length === 0 ? (
        <span className="muted small">No service to give it to.</span>
      ) : (
        <>
          <select aria-label="Service" value={picked} onChange={(e) => setService(e.target.value)}>
            {choices.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <input
            className="mono"
            aria-label="Target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder={d.kind === 'secret' ? `/run/secrets/${d.name}` : `/etc/${d.name}`}
            spellCheck={false}
          />
          <button type="submit" className="small" disabled={busy || !picked}>
            {busy ? 'Attaching…' : 'Attach'}
          </button>
        </>
      )}
      <button type="button" className="small" onClick={onDone}>
        Cancel
      </button>
      <Refused r={refusal} />
    </form>
  );
}

function DataRow({ d }: { d: SwarmData }) {
  const busy = useSwarmData((s) => s.busy.includes(`${d.kind}:${d.id}`));
  const [using, setUsing] = useState(false);
  return (
    <tr aria-label={`${d.kind} ${d.name}`}>
      <td>
        <strong>{d.name}</strong>
        {d.stack && <div className="muted small">stack {d.stack}</div>}
      </td>
      <td>{d.kind}</td>
      <td className="mono" aria-label={`Value of ${d.name}`} title={d.kind === 'secret' ? 'Never shown: the swarm keeps it encrypted and Berth never reads it back.' : 'Not shown here.'}>
        {d.kind === 'secret' ? `${MASK} hidden` : '(in the file it was made from)'}
      </td>
      <td className="nowrap">{relativeTime(d.created)}</td>
      <td aria-label={`Services using ${d.name}`}>
        {d.usedBy.length === 0 ? (
          <span className="muted">unused</span>
        ) : (
          <span className="chips">
            {d.usedBy.map((u) => (
              <span className="chip mono" key={u.serviceId}>
                {u.service} → {u.target}{' '}
                <button className="small" disabled={busy} onClick={() => void detachSwarmData(d, u.serviceId, u.service)} aria-label={`Detach ${d.name} from ${u.service}`}>
                  Detach
                </button>
              </span>
            ))}
          </span>
        )}
        {using && <UseInService d={d} onDone={() => setUsing(false)} />}
      </td>
      <td className="col-actions">
        <span className="row-actions">
          <button disabled={busy || using} onClick={() => setUsing(true)} aria-label={`Use ${d.name} in service…`}>
            Use in service…
          </button>
          <button className="danger" disabled={busy} onClick={() => void removeSwarmData(d)} aria-label={`Remove ${d.name}`}>
            Remove
          </button>
        </span>
      </td>
    </tr>
  );
}

export function SecretsPanel({ stale }: { stale: boolean }) {
  const { data, error } = useSwarmData(useShallow((s) => ({ data: s.data, error: s.error })));
  return (
    <>
      <h2>Secrets and configs</h2>
      <div className="stats-grid">
        <CreateData />
      </div>
      {error && !stale && <p className="list-error">{error}</p>}
      <div className={`table-wrap${stale ? ' stale' : ''}`}>
        <table aria-label="Secrets and configs">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Value</th>
              <th>Created</th>
              <th>Used by</th>
              <th className="col-actions" />
            </tr>
          </thead>
          <tbody>
            {data.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No secrets or configs yet.
                </td>
              </tr>
            )}
            {data.map((d) => (
              <DataRow key={`${d.kind}:${d.id}`} d={d} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
