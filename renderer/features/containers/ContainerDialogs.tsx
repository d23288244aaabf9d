/** Rename a container; commit one to an image. */
import { useState } from 'react';
import { COMMIT_INSTRUCTIONS } from '../../../electron/shared/api-contract';
import { Dialog } from '../../components/Dialog';
import { commitContainer, renameContainer, type CommitForm } from '../../stores/container-actions';
import { closeDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';

export function RenameDialog({ id, name }: { id: string; name: string }) {
  const [value, setValue] = useState(name);
  const { busy, error, hint, errorKey, submit } = useSubmit(() => renameContainer(id, value.trim()));
  return (
    <Dialog
      title={`Rename ${name}`}
      submitLabel="Rename"
      onClose={closeDialog}
      onSubmit={submit}
      submitDisabled={!value.trim() || value.trim() === name}
      busy={busy}
      error={error}
      hint={hint}
      errorKey={errorKey}
    >
      <label>
        New name
        <input className="mono" value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} autoComplete="off" />
      </label>
    </Dialog>
  );
}

export function CommitDialog({ id, name }: { id: string; name: string }) {
  const [f, setF] = useState<CommitForm>({ ref: '', message: '', author: '', changes: '', pause: true });
  const set = (patch: Partial<CommitForm>) => setF((old) => ({ ...old, ...patch }));
  const { busy, error, hint, errorKey, submit } = useSubmit(() => commitContainer(id, f));
  return (
    <Dialog title={`Commit ${name} to an image`} submitLabel="Commit" onClose={closeDialog} onSubmit={submit} busy={busy} error={error} hint={hint} errorKey={errorKey}>
      <label>
        Image name and tag
        <input className="mono" value={f.ref} onChange={(e) => set({ ref: e.target.value })} placeholder="my-app:snapshot (empty: an untagged image)" spellCheck={false} />
      </label>
      <label>
        Message
        <input value={f.message} onChange={(e) => set({ message: e.target.value })} placeholder="what changed" />
      </label>
      <label>
        Author
        <input value={f.author} onChange={(e) => set({ author: e.target.value })} placeholder="Name <email>" />
      </label>
      <label>
        Changes (one Dockerfile instruction a line)
        <textarea className="mono" rows={3} value={f.changes} onChange={(e) => set({ changes: e.target.value })} placeholder={'CMD ["nginx", "-g", "daemon off;"]\nENV MODE=prod'} spellCheck={false} />
      </label>
      <p className="muted small">Takes {COMMIT_INSTRUCTIONS.join(', ')}. Volumes are not part of the image.</p>
      <label className="check">
        <input type="checkbox" checked={f.pause} onChange={(e) => set({ pause: e.target.checked })} /> Pause the container while committing (a consistent copy)
      </label>
    </Dialog>
  );
}
