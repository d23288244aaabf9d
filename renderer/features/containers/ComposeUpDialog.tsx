import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { cancelCompose, composeUp, loadComposeStatus, useCompose } from '../../stores/compose';
import { closeDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';

/** `compose up` of a compose file on this machine, with Compose's output live below the form. */
export function ComposeUpDialog() {
  const { status, running, output, recent } = useCompose(useShallow((s) => ({ status: s.status, running: s.running, output: s.output, recent: s.recent })));
  const [file, setFile] = useState(recent[0] ?? '');
  const [project, setProject] = useState('');
  const { busy, error, hint, errorKey, submit } = useSubmit(() => composeUp(file.trim(), project.trim() || undefined));
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => void loadComposeStatus(true), []);
  useEffect(() => {
    pre.current?.scrollTo({ top: pre.current.scrollHeight });
  }, [output]);
  const close = () => {
    if (running) cancelCompose();
    closeDialog();
  };
  const unavailable = status && !status.available;
  return (
    <Dialog title="Compose up" submitLabel="Up" onClose={close} onSubmit={submit} submitDisabled={unavailable || !file.trim()} busy={busy} error={error} hint={hint} errorKey={errorKey} wide>
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
      {output.length > 0 && (
        <pre className="compose-output" aria-label="Compose output" ref={pre}>
          {output.join('\n')}
        </pre>
      )}
    </Dialog>
  );
}
