import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { cancelCompose, composeUp, loadComposeStatus, useCompose } from '../../stores/compose';
import { watchJobs } from '../../stores/jobs';
import { closeDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';

/** `compose up` of a compose file on this machine, with Compose's output live below the form. */
export function ComposeUpDialog() {
  const { status, running, output, recent, upArgs, upError } = useCompose(
    useShallow((s) => ({ status: s.status, running: s.running, output: s.output, recent: s.recent, upArgs: s.upArgs, upError: s.upError })),
  );
  // Reopened while an up runs: its file and project, its output going on below.
  const [file, setFile] = useState(running === 'up' ? (upArgs?.file ?? '') : (recent[0] ?? ''));
  const [project, setProject] = useState(running === 'up' ? (upArgs?.project ?? '') : '');
  const { busy, error, hint, errorKey, submit } = useSubmit(() => composeUp(file.trim(), project.trim() || undefined));
  const pre = useRef<HTMLPreElement>(null);
  const [opened] = useState(() => running === 'up'); // the up it shows was started before it opened
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
      submitDisabled={unavailable || !file.trim() || running === 'up'}
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
      <label>
        Compose file or its folder (on this machine)
        <input className="mono" value={file} onChange={(e) => setFile(e.target.value)} placeholder="/home/me/app/compose.yaml" list="compose-recent" spellCheck={false} />
        <datalist id="compose-recent">
          {recent.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
      </label>
      <label>
        Project name (optional; default: the folder's name)
        <input className="mono" value={project} onChange={(e) => setProject(e.target.value)} placeholder="myapp" spellCheck={false} />
      </label>
      {running === 'up' && (
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
