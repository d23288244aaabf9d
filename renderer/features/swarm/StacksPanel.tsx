/**
 * A manager's stacks: deploy one from compose files on this machine (`docker stack deploy`, its
 * lines shown as it goes), listed with services and tasks running of wanted; a stack opens to its
 * services, each with its tasks (node and state); redeploy from the same files, remove.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ServicePort, StackDetail, StackSummary } from '../../../electron/shared/models';
import { cancelStackRun, deployStack, loadStacks, removeStack, stacksConverging, toggleStack, useStacks } from '../../stores/stacks';
import { Refused } from './SwarmForms';

const portText = (p: ServicePort) => `${p.published ?? '?'}→${p.target}/${p.protocol}${p.mode === 'host' ? ' (host)' : ''}`;

function DeployStack() {
  const { running, output, failure, files } = useStacks(useShallow((s) => ({ running: s.running, output: s.output, failure: s.failure, files: s.files })));
  const [name, setName] = useState('');
  const [file, setFile] = useState('');
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    pre.current?.scrollTo({ top: pre.current.scrollHeight }); // no cleanup: scrollTo may return a promise
  }, [output]);
  const recent = [...new Set(Object.values(files).flat())];
  return (
    <form
      className="stat-card"
      aria-label="Deploy a stack"
      onSubmit={(e) => {
        e.preventDefault();
        void deployStack(name.trim(), [file.trim()]);
      }}
    >
      <strong>Deploy a stack</strong>
      <p className="muted small">Runs `docker stack deploy` of a compose file on this machine against this manager; deploying a stack again updates it.</p>
      <label>
        Stack name
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="shop" autoComplete="off" spellCheck={false} />
      </label>
      <label>
        Compose file or its folder
        <input className="mono" value={file} onChange={(e) => setFile(e.target.value)} placeholder="/home/me/app/stack.yaml" list="stack-files" spellCheck={false} />
      </label>
      <datalist id="stack-files">
        {recent.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <Refused r={running ? undefined : failure} />
      <span className="row-actions">
        <button type="submit" disabled={!!running || !name.trim() || !file.trim()}>
          {running?.verb === 'deploy' ? 'Deploying…' : 'Deploy'}
        </button>
        {running && (
          <button type="button" onClick={cancelStackRun}>
            Cancel the {running.verb === 'deploy' ? 'deploy' : 'removal'}
          </button>
        )}
      </span>
      {output.length > 0 && (
        <pre className="compose-output" aria-label="Stack output" ref={pre} tabIndex={0}>
          {output.join('\n')}
        </pre>
      )}
    </form>
  );
}

function StackServices({ detail }: { detail: StackDetail }) {
  return (
    <div className="table-wrap">
      <table aria-label={`Services of ${detail.name}`}>
        <thead>
          <tr>
            <th>Service</th>
            <th>Image</th>
            <th>Running</th>
            <th>Ports</th>
            <th>Update</th>
            <th>Tasks</th>
          </tr>
        </thead>
        <tbody>
          {detail.services.map((s) => (
            <tr key={s.id} aria-label={s.name}>
              <td>
                <strong>{s.name}</strong>
                <div className="muted small">{s.mode}</div>
              </td>
              <td className="mono">{s.image}</td>
              <td aria-label="Tasks running">
                {s.running}/{s.desired}
              </td>
              <td className="mono">{s.ports.map(portText).join(', ') || '—'}</td>
              <td title={s.update?.message}>{s.update ? s.update.state.replace(/_/g, ' ') : '—'}</td>
              <td>
                <ul className="plain small" aria-label={`Tasks of ${s.name}`}>
                  {s.tasks
                    .filter((t) => t.desiredState === 'running' || t.state !== 'shutdown')
                    .map((t) => (
                      <li key={t.id} title={t.error ?? t.message}>
                        {s.name}.{t.slot ?? t.nodeId?.slice(0, 12)} on {t.node ?? '—'}: {t.state}
                        {t.error ? ` (${t.error})` : ''}
                      </li>
                    ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Networks: {detail.networks.join(', ') || 'none'} · Secrets: {detail.secrets.join(', ') || 'none'} · Configs: {detail.configs.join(', ') || 'none'}
      </p>
    </div>
  );
}

function StackRow({ s }: { s: StackSummary }) {
  const { open, running, files } = useStacks(useShallow((st) => ({ open: st.open === s.name, running: st.running, files: st.files[s.name] })));
  return (
    <tr aria-label={s.name}>
      <td>
        <strong>{s.name}</strong>
        {files && <div className="muted mono small">{files.join(', ')}</div>}
      </td>
      <td>{s.services}</td>
      <td aria-label="Tasks running">
        {s.running}/{s.desired}
        {s.updating ? ' (updating)' : ''}
      </td>
      <td className="col-actions">
        <span className="row-actions">
          <button onClick={() => void toggleStack(s.name)} aria-expanded={open} aria-label={`Services of ${s.name}`}>
            Services
          </button>
          <button
            disabled={!!running || !files}
            title={files ? `docker stack deploy of ${files.join(', ')} again` : 'Deploy it from its file above: Berth does not know which file it came from.'}
            onClick={() => files && void deployStack(s.name, files)}
            aria-label={`Redeploy ${s.name}`}
          >
            Redeploy
          </button>
          <button className="danger" disabled={!!running} onClick={() => void removeStack(s.name)} aria-label={`Remove ${s.name}`}>
            Remove
          </button>
        </span>
      </td>
    </tr>
  );
}

export function StacksPanel({ stale }: { stale: boolean }) {
  const { stacks, error, detail } = useStacks(useShallow((s) => ({ stacks: s.stacks, error: s.error, detail: s.detail })));
  const moving = useStacks(stacksConverging);
  useEffect(() => void loadStacks(), []);
  useEffect(() => {
    if (!moving || stale) return;
    const t = setInterval(() => void loadStacks(), 2000); // only while tasks converge: see `stacksConverging`
    return () => clearInterval(t);
  }, [moving, stale]);
  return (
    <>
      <h2>Stacks</h2>
      <div className="stats-grid">
        <DeployStack />
      </div>
      {error && !stale && <p className="list-error">{error}</p>}
      <div className={`table-wrap${stale ? ' stale' : ''}`}>
        <table aria-label="Stacks">
          <thead>
            <tr>
              <th>Stack</th>
              <th>Services</th>
              <th>Running</th>
              <th className="col-actions" />
            </tr>
          </thead>
          <tbody>
            {stacks.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No stacks yet.
                </td>
              </tr>
            )}
            {stacks.map((s) => (
              <StackRow key={s.name} s={s} />
            ))}
          </tbody>
        </table>
      </div>
      {detail && <StackServices detail={detail} />}
    </>
  );
}
