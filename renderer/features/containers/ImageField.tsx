/**
 * The Run dialog's image field: local images suggested as you type, and under it whether this
 * engine has the image, with a Pull in place for one it does not (a malformed one is said in the
 * command preview, as every field's).
 */
import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { imageFieldState, imageSuggestions } from '../../lib/image-field';
import { pullImage, useJob } from '../../stores/image-jobs';
import { images } from '../../stores/resources';
import { updateForm, useRunForm } from '../../stores/run-form';
import { fieldProps, FieldMessage, useRefusal } from './RunFields';

export function ImageField() {
  const { value, pull } = useRunForm(useShallow((s) => ({ value: s.form.image, pull: s.form.pull })));
  const all = images.use((s) => s.items);
  const pulling = useJob((s) => s.status === 'running' && s.kind === 'pull' && s.target === value.trim());
  const error = useRefusal('image');
  const listId = useId();
  const state = imageFieldState(value, all);
  return (
    <div className="field">
      <label>
        Image
        <input {...fieldProps('image', error)} list={listId} value={value} placeholder="nginx:latest" autoComplete="off" spellCheck={false} onChange={(e) => updateForm({ image: e.target.value })} />
      </label>
      <datalist id={listId}>
        {imageSuggestions(value, all).map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <FieldMessage error={error} />
      {!error && state.kind === 'local' && <p className="small muted">On this engine.</p>}
      {!error && state.kind === 'missing' && (
        <p className="small muted" aria-live="polite">
          {pulling
            ? `Pulling ${state.ref}… (its progress is in Jobs)`
            : pull === 'never'
              ? 'Not on this engine, and the pull policy is “never”: pull it first. '
              : 'Not on this engine: Run pulls it first, or pull it now. '}
          {!pulling && (
            <button type="button" className="link" onClick={() => void pullImage(state.ref)}>
              Pull {state.ref}
            </button>
          )}
        </p>
      )}
    </div>
  );
}
