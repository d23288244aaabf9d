/** The images section's dialogs: pull, push, build, load (one progress view), tag, history and registries. */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { formatBytes, shortId } from '../../lib/format';
import { keptWhere, newLoginWords } from '../../lib/login-store';
import { totals } from '../../lib/progress';
import {
  cancelJob,
  loadHistory,
  loadLoginTarget,
  loadRegistries,
  loginRegistry,
  logoutRegistry,
  resetJob,
  tagImage,
  useHistory,
  useJob,
  useRegistries,
  watchJob,
  type JobKind,
} from '../../stores/image-jobs';
import { addSecretRow, formReady, removeSecretRow, resetImageJobForm, submitImageJob, updateImageJobForm, updateSecretRow, useImageJobForm } from '../../stores/image-job-form';
import { BuildSteps } from './BuildSteps';
import { images } from '../../stores/resources';
import { closeDialog, openDialog } from '../../stores/ui';
import { LayersTable } from './LayersTable';
import { useSubmit } from '../use-submit';

const TITLES: Record<JobKind, string> = { pull: 'Pull image', push: 'Push image', build: 'Build image', load: 'Load images', save: 'Save image' };
const ACTION: Record<JobKind, string> = { pull: 'Pull', push: 'Push', build: 'Build', load: 'Load', save: 'Save' };

function Progress() {
  const job = useJob(useShallow((s) => ({ ...s })));
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    pre.current?.scrollTo({ top: pre.current.scrollHeight });
  }, [job.output]);
  if (job.status === 'idle') return null;
  const t = totals(job.progress);
  const pct = (c: number, of: number) => (of > 0 ? Math.floor((c / of) * 100) : 0);
  return (
    <div className="job" aria-label="Progress">
      {job.progress.layers.length > 0 && (
        <>
          <div className="job-total">
            <progress max={100} value={pct(t.current, t.total)} aria-label="Total progress" />
            <span className="muted small">
              {formatBytes(t.current)} of {formatBytes(t.total)} · {t.layersDone}/{job.progress.layers.length} layers
            </span>
          </div>
          <ul className="layers" aria-label="Layers">
            {job.progress.layers.map((l) => (
              <li key={l.id}>
                <span className="mono">{l.id}</span>
                <span className="layer-status">{l.status}</span>
                {l.total ? <progress max={100} value={pct(l.current ?? 0, l.total)} /> : <span />}
              </li>
            ))}
          </ul>
        </>
      )}
      {job.kind === 'save' && job.bytes !== undefined && <p className="muted small">{formatBytes(job.bytes)} received</p>}
      {job.kind === 'load' && job.total !== undefined && (
        <div className="job-total">
          <progress max={100} value={pct(job.bytes ?? 0, job.total)} aria-label="Upload progress" />
          <span className="muted small">
            {formatBytes(job.bytes ?? 0)} of {formatBytes(job.total)}
          </span>
        </div>
      )}
      {job.steps.length > 0 && <BuildSteps steps={job.steps} />}
      {job.output.length > 0 && (
        <pre className="compose-output" aria-label="Build output" ref={pre} tabIndex={0}>
          {job.output.join('\n')}
        </pre>
      )}
      {job.progress.messages.length > 0 && <p className="muted small mono">{job.progress.messages.at(-1)}</p>}
      <p className={job.status === 'failed' ? 'form-error' : 'muted'} role={job.status === 'failed' ? 'alert' : 'status'}>
        {job.status === 'running' && 'Working…'}
        {job.status === 'done' &&
          (job.kind === 'build'
            ? `Built ${shortId(job.imageId ?? '')}`
            : job.kind === 'load'
              ? `Loaded ${job.loaded?.join(', ') || 'nothing'}`
              : job.kind === 'save'
                ? 'Saved: the download has started'
                : 'Done')}
        {job.status === 'failed' && job.error}
        {job.status === 'cancelled' && 'Cancelled'}
      </p>
    </div>
  );
}

/** One dialog for the four long operations: its form, then the progress while and after it runs. */
export function ImageJobDialog({ kind, initial }: { kind: JobKind; initial?: string }) {
  const status = useJob((s) => (s.kind === kind ? s.status : 'idle'));
  const form = useImageJobForm(useShallow((s) => ({ ...s })));
  const set = updateImageJobForm;
  // Before the first paint, so the last opening's fields never show.
  useLayoutEffect(() => {
    resetImageJobForm(initial);
    return () => resetImageJobForm(); // the picked file is let go
  }, [initial]);
  useEffect(() => {
    resetJob(); // a job that ended unseen was said in a toast: a fresh form (a running one stays shown)
    const unwatch = watchJob(kind);
    return () => {
      unwatch();
      resetJob(); // a job still running goes on (the Images page shows it)
    };
  }, [kind]);
  const running = status === 'running';
  const { busy, submit } = useSubmit(async () => {
    await submitImageJob(kind);
    return undefined;
  });
  const close = closeDialog; // never a silent cancel: a running job goes on; Cancel cancels
  return (
    <Dialog
      title={TITLES[kind]}
      submitLabel={status === 'idle' ? ACTION[kind] : 'Again'}
      onClose={close}
      onSubmit={submit}
      submitDisabled={!formReady(kind, form) || running}
      busy={busy}
      wide={kind === 'build'}
    >
      {(kind === 'pull' || kind === 'push') && (
        <label>
          Image reference
          <input
            className="mono"
            value={form.ref}
            onChange={(e) => set({ ref: e.target.value })}
            placeholder={kind === 'pull' ? 'alpine:3.20 or registry:5000/team/app:v1' : 'registry:5000/team/app:v1'}
            spellCheck={false}
          />
        </label>
      )}
      {kind === 'save' && <p>Saves {images.label(form.ref)} with its layers as a tar archive (docker save), for `docker load` or Load… elsewhere.</p>}
      {kind === 'load' && (
        <label>
          Image archive (.tar from docker save)
          <input type="file" accept=".tar,application/x-tar" onChange={(e) => set({ file: e.target.files?.[0] })} />
        </label>
      )}
      {kind === 'build' && (
        <div className="run-grid">
          <label>
            Folder with the Dockerfile (on this machine)
            <input className="mono" value={form.context} onChange={(e) => set({ context: e.target.value })} placeholder="/home/me/app" spellCheck={false} />
          </label>
          <label>
            Dockerfile <span className="muted">(in the folder; default Dockerfile)</span>
            <input className="mono" value={form.dockerfile} onChange={(e) => set({ dockerfile: e.target.value })} placeholder="Dockerfile" spellCheck={false} />
          </label>
          <label>
            Tags <span className="muted">(space or comma separated)</span>
            <input className="mono" value={form.tags} onChange={(e) => set({ tags: e.target.value })} placeholder="myapp:dev" spellCheck={false} />
          </label>
          <label>
            Target stage <span className="muted">(optional)</span>
            <input className="mono" value={form.target} onChange={(e) => set({ target: e.target.value })} spellCheck={false} />
          </label>
          <label>
            Build args <span className="muted">(KEY=value, one a line)</span>
            <textarea className="mono" rows={2} value={form.buildArgs} onChange={(e) => set({ buildArgs: e.target.value })} spellCheck={false} />
          </label>
          <label className="check">
            <input type="checkbox" checked={form.noCache} onChange={(e) => set({ noCache: e.target.checked })} /> No cache
          </label>
          <fieldset className="build-secrets" aria-label="Build secrets">
            <legend>
              Secrets <span className="muted">(RUN --mount=type=secret,id=…; kept in memory, never in the image)</span>
            </legend>
            {form.secrets.map((sec, i) => (
              <div className="toolbar-actions" key={i}>
                <input className="mono" aria-label={`Secret ${i + 1} id`} value={sec.id} onChange={(e) => updateSecretRow(i, { id: e.target.value })} placeholder="id" spellCheck={false} />
                <select aria-label={`Secret ${i + 1} source`} value={sec.from} onChange={(e) => updateSecretRow(i, { from: e.target.value as 'typed' | 'file' })}>
                  <option value="typed">Typed</option>
                  <option value="file">From a file</option>
                </select>
                <input
                  className="mono"
                  aria-label={`Secret ${i + 1} ${sec.from === 'typed' ? 'value' : 'file'}`}
                  type={sec.from === 'typed' ? 'password' : 'text'}
                  autoComplete="off"
                  value={sec.value}
                  onChange={(e) => updateSecretRow(i, { value: e.target.value })}
                  placeholder={sec.from === 'typed' ? 'value' : '/home/me/.npmrc'}
                  spellCheck={false}
                />
                <button type="button" onClick={() => removeSecretRow(i)} aria-label={`Remove secret ${i + 1}`}>
                  Remove
                </button>
              </div>
            ))}
            <button type="button" onClick={addSecretRow}>
              Add secret
            </button>
          </fieldset>
        </div>
      )}
      {running && (
        <p className="muted small">
          Closing this keeps the {kind} going: the Images page and Jobs show it.{' '}
          <button type="button" onClick={cancelJob}>
            Cancel {kind}
          </button>
        </p>
      )}
      {status !== 'idle' && <Progress />}
    </Dialog>
  );
}

export function TagDialog({ id }: { id: string }) {
  const [tag, setTag] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const e = await tagImage(id, tag.trim());
    if (!e) closeDialog();
    return e;
  });
  return (
    <Dialog title={`Tag ${images.label(id)}`} submitLabel="Tag" onClose={closeDialog} onSubmit={submit} submitDisabled={!tag.trim()} busy={busy} error={error}>
      <label>
        New tag
        <input className="mono" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="registry:5000/team/app:v1" spellCheck={false} />
      </label>
    </Dialog>
  );
}

export function HistoryDialog({ id }: { id: string }) {
  const { layers, error } = useHistory(useShallow((s) => ({ layers: s.layers, error: s.error })));
  useEffect(() => void loadHistory(id), [id]);
  return (
    <Dialog title={`History of ${images.label(id)}`} onClose={closeDialog} wide>
      {error && <p className="form-error">{error}</p>}
      {!layers && !error && <p className="muted">Loading…</p>}
      {layers && <LayersTable layers={layers} />}
    </Dialog>
  );
}

export function RegistriesDialog() {
  const { logins, target, error: listError } = useRegistries(useShallow((s) => ({ logins: s.logins, target: s.target, error: s.error })));
  const words = target && newLoginWords(target);
  const [server, setServer] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  useEffect(() => void loadRegistries(), []);
  useEffect(() => {
    const t = setTimeout(() => void loadLoginTarget(server), server ? 250 : 0); // said for the registry typed, once typing pauses
    return () => clearTimeout(t);
  }, [server]);
  const { busy, error, submit } = useSubmit(async () => {
    const e = await loginRegistry(server.trim(), username, password);
    if (!e) setPassword('');
    return e;
  });
  return (
    <Dialog title="Registries" submitLabel="Log in" onClose={closeDialog} onSubmit={submit} submitDisabled={!server.trim() || !username || !password} busy={busy} error={error ?? listError}>
      {logins.length ? (
        <ul className="logins" aria-label="Logins">
          {logins.map((l) => (
            <li key={l.server}>
              <span className="mono">{l.server}</span> <span className="muted">as {l.username}</span> <span className="muted small">({keptWhere(l.store)})</span>
              <button type="button" className="small" aria-label={`Browse ${l.server}`} onClick={() => openDialog({ kind: 'registry-browse', server: l.server })}>
                Browse
              </button>
              <button type="button" className="small" onClick={() => void logoutRegistry(l.server)}>
                Log out
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No logins yet.</p>
      )}
      {words && (
        <p className={words.warning ? 'small warning' : 'muted small'} role={words.warning ? 'note' : undefined} aria-label={words.warning ? 'Stored unencrypted' : undefined}>
          {words.text}
        </p>
      )}
      <label>
        Registry
        <input className="mono" value={server} onChange={(e) => setServer(e.target.value)} placeholder="docker.io or registry.example.com:5000" spellCheck={false} />
      </label>
      <label>
        Username
        <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
      </label>
      <label>
        Password or token
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
      </label>
    </Dialog>
  );
}
