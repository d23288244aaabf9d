/** The Run dialog's fields, each tied to its refusal (aria-invalid, aria-describedby, a message right under it). */
import { useRef, useState, type ReactNode } from 'react';
import { ENV_FILE_MAX_BYTES } from '../../lib/env-file';
import { fieldDomId, type FieldId } from '../../stores/run-fields';
import { pickEnvFile, removeEnvFile, removeRow, setRow, updateForm, useRunForm, type RunRefusal } from '../../stores/run-form';
import type { RunForm } from '../../stores/run-fields';

/** The refusal about this field (or, with `prefix`, about any column of this row), if any. */
export const useRefusal = (field: FieldId, prefix = false) => useRunForm((s) => (s.error?.field && (prefix ? s.error.field.startsWith(field) : s.error.field === field) ? s.error : undefined));

/** The attributes that tie an input to its field's refusal, for screen readers and the focus. */
export function fieldProps(field: FieldId, error: RunRefusal | undefined) {
  const id = fieldDomId(field);
  const mine = error?.field === field;
  return { id, 'aria-invalid': mine || undefined, 'aria-describedby': mine ? `${id}-error` : undefined };
}

/** A refusal shown right under its field, with the engine's hint. */
export function FieldMessage({ error }: { error?: RunRefusal }) {
  if (!error?.field) return null;
  return (
    <div id={`${fieldDomId(error.field)}-error`} className="field-error" role="alert">
      <p>{error.message}</p>
      {error.hint && <p className="hint">{error.hint}</p>}
    </div>
  );
}

const Remove = ({ onClick, what }: { onClick: () => void; what: string }) => (
  <button type="button" className="icon" aria-label={`Remove ${what}`} onClick={onClick}>
    ×
  </button>
);

function KeyValueRow({ list, noun, keyPlaceholder, i }: { list: 'env' | 'labels'; noun: string; keyPlaceholder: string; i: number }) {
  const r = useRunForm((s) => s.form[list][i]!);
  const error = useRefusal(`${list}.${i}.`, true);
  return (
    <>
      <div className="row">
        <input
          aria-label={`${noun} ${i + 1} ${list === 'env' ? 'name' : 'key'}`}
          {...fieldProps(`${list}.${i}.key`, error)}
          placeholder={keyPlaceholder}
          value={r.key}
          onChange={(e) => setRow(list, i, { key: e.target.value })}
        />
        <span>=</span>
        <input aria-label={`${noun} ${i + 1} value`} {...fieldProps(`${list}.${i}.value`, error)} placeholder="value" value={r.value} onChange={(e) => setRow(list, i, { value: e.target.value })} />
        <Remove what={`${noun.toLowerCase()} ${i + 1}`} onClick={() => removeRow(list, i)} />
      </div>
      <FieldMessage error={error} />
    </>
  );
}

/** NAME=value rows (environment variables, labels). */
export function KeyValueRows(p: { list: 'env' | 'labels'; noun: string; keyPlaceholder: string }) {
  const count = useRunForm((s) => s.form[p.list].length);
  return Array.from({ length: count }, (_, i) => <KeyValueRow key={i} i={i} {...p} />);
}

export function TextField({ label, field, placeholder = '' }: { label: string; field: keyof RunForm; placeholder?: string }) {
  const value = useRunForm((s) => s.form[field] as string);
  const error = useRefusal(field);
  return (
    <div className="field">
      <label>
        {label}
        <input {...fieldProps(field, error)} value={value} placeholder={placeholder} autoComplete="off" onChange={(e) => updateForm({ [field]: e.target.value })} />
      </label>
      <FieldMessage error={error} />
    </div>
  );
}

export function PortRowFields({ i }: { i: number }) {
  const p = useRunForm((s) => s.form.ports[i]!);
  const error = useRefusal(`ports.${i}.`, true);
  const f = (column: string) => fieldProps(`ports.${i}.${column}`, error);
  return (
    <>
      <div className="row">
        <input aria-label={`Port ${i + 1} host IP`} {...f('hostIp')} value={p.hostIp} onChange={(e) => setRow('ports', i, { hostIp: e.target.value })} />
        <input aria-label={`Port ${i + 1} host port`} {...f('hostPort')} placeholder="host port (any)" value={p.hostPort} onChange={(e) => setRow('ports', i, { hostPort: e.target.value })} />
        <span>→</span>
        <input
          aria-label={`Port ${i + 1} container port`}
          {...f('containerPort')}
          placeholder="container port"
          value={p.containerPort}
          onChange={(e) => setRow('ports', i, { containerPort: e.target.value })}
        />
        <select aria-label={`Port ${i + 1} protocol`} value={p.protocol} onChange={(e) => setRow('ports', i, { protocol: e.target.value as 'tcp' | 'udp' })}>
          <option>tcp</option>
          <option>udp</option>
        </select>
        <Remove what={`port ${i + 1}`} onClick={() => removeRow('ports', i)} />
      </div>
      <FieldMessage error={error} />
    </>
  );
}

export function MountRowFields({ i }: { i: number }) {
  const m = useRunForm((s) => s.form.mounts[i]!);
  const error = useRefusal(`mounts.${i}.`, true);
  const f = (column: string) => fieldProps(`mounts.${i}.${column}`, error);
  return (
    <>
      <div className="row">
        <select aria-label={`Volume ${i + 1} type`} value={m.type} onChange={(e) => setRow('mounts', i, { type: e.target.value as 'volume' | 'bind' | 'tmpfs' })}>
          <option value="volume">volume</option>
          <option value="bind">bind</option>
          <option value="tmpfs">tmpfs</option>
        </select>
        {m.type !== 'tmpfs' && (
          <input
            aria-label={`Volume ${i + 1} source`}
            {...f('source')}
            placeholder={m.type === 'bind' ? '/host/path' : 'name (empty: anonymous)'}
            value={m.source}
            onChange={(e) => setRow('mounts', i, { source: e.target.value })}
          />
        )}
        <span>→</span>
        <input aria-label={`Volume ${i + 1} container path`} {...f('target')} placeholder="/container/path" value={m.target} onChange={(e) => setRow('mounts', i, { target: e.target.value })} />
        {m.type === 'tmpfs' ? (
          <input aria-label={`Volume ${i + 1} size`} {...f('size')} placeholder="size, e.g. 64m" value={m.size} onChange={(e) => setRow('mounts', i, { size: e.target.value })} />
        ) : (
          <label className="check">
            <input type="checkbox" checked={m.readOnly} onChange={(e) => setRow('mounts', i, { readOnly: e.target.checked })} /> read-only
          </label>
        )}
        <Remove what={`volume ${i + 1}`} onClick={() => removeRow('mounts', i)} />
      </div>
      <FieldMessage error={error} />
    </>
  );
}

const SHOWN_PROBLEMS = 20;

/** Load .env file: what it added, or every line that kept it out (and Run with it) until it is fixed or removed. */
export function EnvFilePicker() {
  const envFile = useRunForm((s) => s.envFile);
  const error = useRefusal('envFile');
  const id = fieldDomId('envFile');
  const problems = envFile?.problems ?? [];
  const input = useRef<HTMLInputElement>(null);
  const [unread, setUnread] = useState<string>(); // the picked file could not be read: nothing of it was added
  const read = (file: File) => {
    setUnread(undefined);
    file
      .slice(0, ENV_FILE_MAX_BYTES + 1)
      .arrayBuffer()
      .then(
        (b) => pickEnvFile(file.name, new Uint8Array(b)),
        () => {
          if (input.current) input.current.value = '';
          setUnread(`${file.name} could not be read: it was moved, deleted or made unreadable after it was picked. None of its variables were added.`);
        },
      );
  };
  const remove = () => {
    if (input.current) input.current.value = '';
    setUnread(undefined);
    removeEnvFile();
  };
  return (
    <>
      <label className="file">
        Load .env file
        <input
          type="file"
          ref={input}
          id={id}
          aria-label="Env file"
          aria-invalid={problems.length > 0 || !!unread || undefined}
          aria-describedby={problems.length || unread ? `${id}-error` : undefined}
          onClick={(e) => (e.currentTarget.value = '')} // picking the same file again (fixed) reads it again
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) read(file);
          }}
        />
      </label>
      {unread && (
        <div id={`${id}-error`} className="field-error" role="alert">
          <p>{unread}</p>
          <p className="hint">Check that the file is still there and pick it again.</p>
        </div>
      )}
      {envFile && !problems.length && !unread && (
        <p className="muted small" role="status">
          Added {envFile.added} variable{envFile.added === 1 ? '' : 's'} from {envFile.name}.
        </p>
      )}
      {problems.length > 0 && !unread && (
        <div id={`${id}-error`} className="field-error" role="alert">
          <p>{error?.message ?? `${envFile!.name} was not loaded.`}</p>
          <ul aria-label="Problems in the env file">
            {problems.slice(0, SHOWN_PROBLEMS).map((p, n) => (
              <li key={n}>{p}</li>
            ))}
            {problems.length > SHOWN_PROBLEMS && <li>and {problems.length - SHOWN_PROBLEMS} more</li>}
          </ul>
          <p className="hint">{error?.hint ?? 'Fix these lines and pick the file again, or remove it.'}</p>
          <button type="button" onClick={remove}>
            Remove {envFile!.name}
          </button>
        </div>
      )}
    </>
  );
}

export function SelectField({ label, field, children }: { label: string; field: 'network' | 'restart' | 'pull'; children: ReactNode }) {
  const value = useRunForm((s) => s.form[field]);
  const error = useRefusal(field);
  return (
    <div className="field">
      <label>
        {label}
        <select {...fieldProps(field, error)} value={value} onChange={(e) => updateForm({ [field]: e.target.value })}>
          {children}
        </select>
      </label>
      <FieldMessage error={error} />
    </div>
  );
}
