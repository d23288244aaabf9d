import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { cancelCompose, loadComposeStatus, useCompose } from '../../stores/compose';
import {
  addComposeFile,
  composeFormReady,
  loadProfiles,
  moveComposeFile,
  removeComposeFile,
  resetComposeForm,
  setComposeEnvFile,
  setComposeFile,
  submitComposeUp,
  toggleComposeProfile,
  updateComposeForm,
  useComposeForm,
} from '../../stores/compose-form';
import { watchJobs } from '../../stores/jobs';
import { closeDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';

const NO_OUTPUT: string[] = [];

/** The compose files in order, each with its place in the order and a remove. */
function FileRows() {
  const files = useComposeForm((s) => s.files);
  const recent = useCompose((s) => s.recent);
  return (
    <fieldset className="run-section">
      <legend>Compose files, in order (each one overrides the ones above it)</legend>
      {files.map((f, i) => (
        <div className="row" key={i}>
          <input
            className="mono"
            aria-label={i === 0 ? 'Compose file or its folder' : `Compose file ${i + 1}`}
            value={f}
            onChange={(e) => setComposeFile(i, e.target.value)}
            placeholder={i === 0 ? '/home/me/app/compose.yaml' : '/home/me/app/compose.override.yaml'}
            list="compose-recent"
            spellCheck={false}
          />
          <button type="button" className="icon" aria-label={`Move compose file ${i + 1} earlier`} disabled={i === 0} onClick={() => moveComposeFile(i, -1)}>
            ↑
          </button>
          <button type="button" className="icon" aria-label={`Move compose file ${i + 1} later`} disabled={i === files.length - 1} onClick={() => moveComposeFile(i, 1)}>
            ↓
          </button>
          <button type="button" className="icon" aria-label={`Remove compose file ${i + 1}`} disabled={files.length === 1} onClick={() => removeComposeFile(i)}>
            ×
          </button>
        </div>
      ))}
      <datalist id="compose-recent">
        {recent.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <button type="button" className="add-row" onClick={addComposeFile}>
        + Add a file
      </button>
    </fieldset>
  );
}

/** The profiles the files declare, as checkboxes; Compose's words when the files do not load. */
function Profiles() {
  const { profiles, error, loading, chosen } = useComposeForm(useShallow((s) => ({ profiles: s.profiles, error: s.profilesError, loading: s.loadingProfiles, chosen: s.chosen })));
  return (
    <fieldset className="run-section" aria-busy={loading}>
      <legend>Profiles</legend>
      {error ? (
        <p className="form-error small" role="status">
          {error}
        </p>
      ) : loading ? (
        <p className="muted small">Reading the profiles…</p>
      ) : !profiles ? (
        <p className="muted small">The profiles the files declare show here.</p>
      ) : profiles.length === 0 ? (
        <p className="muted small">The files declare no profiles.</p>
      ) : (
        <div className="checks">
          {profiles.map((p) => (
            <label className="check" key={p}>
              <input type="checkbox" checked={chosen.includes(p)} onChange={() => toggleComposeProfile(p)} /> {p}
            </label>
          ))}
        </div>
      )}
      <button type="button" className="add-row" onClick={() => void loadProfiles()}>
        Read the profiles again
      </button>
    </fieldset>
  );
}

/** `compose up` of compose files on this machine, with Compose's output live below the form. */
export function ComposeUpDialog() {
  const { status, running, output, upArgs, upError } = useCompose(
    useShallow((s) => ({ status: s.status, running: s.running, output: s.outputOf === 'up' ? s.output : NO_OUTPUT, upArgs: s.upArgs, upError: s.upError })),
  );
  const form = useComposeForm(useShallow((s) => ({ envFile: s.envFile, project: s.project, build: s.build, ready: composeFormReady(s) })));
  const { busy, error, hint, errorKey, submit } = useSubmit(submitComposeUp);
  const pre = useRef<HTMLPreElement>(null);
  const [opened] = useState(() => running === 'up'); // the up it shows was started before it opened
  useEffect(() => {
    // Reopened while an up runs: its files and choices; else the last file used.
    const s = useCompose.getState();
    resetComposeForm(s.running === 'up' ? s.upArgs : undefined, s.recent[0]);
  }, []);
  useEffect(() => void loadComposeStatus(true), []);
  useEffect(() => watchJobs('compose-up'), []); // its end is said here while this shows
  useEffect(() => {
    pre.current?.scrollTo({ top: pre.current.scrollHeight });
  }, [output]);
  const close = closeDialog; // never a silent cancel: a running up goes on (the Jobs panel shows it); Cancel compose stops it
  const unavailable = status && !status.available;
  const shownError = error ?? (opened && !running ? upError : undefined);
  return (
    <Dialog
      title="Compose up"
      submitLabel="Up"
      onClose={close}
      onSubmit={submit}
      submitDisabled={unavailable || !form.ready || running === 'up'}
      busy={busy}
      error={shownError}
      hint={error ? hint : undefined}
      errorKey={errorKey}
      wide
    >
      {unavailable ? (
        <p className="form-error" role="alert">
          {status.reason}
        </p>
      ) : (
        <p className="muted small">{status ? `Runs \`${status.command} up -d\` (Compose ${status.version}) against Berth's engine.` : 'Looking for a Compose CLI…'}</p>
      )}
      <FileRows />
      <label>
        Env file (optional; default: the .env beside the first file)
        <input className="mono" value={form.envFile} onChange={(e) => setComposeEnvFile(e.target.value)} placeholder="/home/me/app/.env.local" spellCheck={false} />
      </label>
      <Profiles />
      <label>
        Project name (optional; default: the first file's folder name)
        <input className="mono" value={form.project} onChange={(e) => updateComposeForm({ project: e.target.value })} placeholder="myapp" spellCheck={false} />
      </label>
      <label className="check">
        <input type="checkbox" checked={form.build} onChange={(e) => updateComposeForm({ build: e.target.checked })} /> Build images before starting (--build)
      </label>
      {running === 'up' && upArgs && (
        <p className="muted small">
          Closing this keeps compose up going: the Jobs panel shows it.{' '}
          <button type="button" onClick={cancelCompose}>
            Cancel compose up
          </button>
        </p>
      )}
      {output.length > 0 && (
        <pre className="compose-output" aria-label="Compose output" ref={pre} tabIndex={0}>
          {output.join('\n')}
        </pre>
      )}
    </Dialog>
  );
}
