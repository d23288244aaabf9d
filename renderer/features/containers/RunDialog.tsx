import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { RESTART_POLICIES } from '../../../electron/shared/run-spec';
import { Dialog } from '../../components/Dialog';
import { networks } from '../../stores/resources';
import { addRow, commandPreview, loadEnvFile, removeRow, setRow, submitRun, updateForm, useRunForm, type RunForm } from '../../stores/run-form';
import { closeDialog } from '../../stores/ui';

function Section({ title, onAdd, addLabel, children }: { title: string; onAdd?: () => void; addLabel?: string; children: ReactNode }) {
  return (
    <fieldset className="run-section">
      <legend>{title}</legend>
      {children}
      {onAdd && (
        <button type="button" className="add-row" onClick={onAdd}>
          + {addLabel}
        </button>
      )}
    </fieldset>
  );
}

const Remove = ({ onClick, what }: { onClick: () => void; what: string }) => (
  <button type="button" className="icon" aria-label={`Remove ${what}`} onClick={onClick}>
    ×
  </button>
);

/** NAME=value rows (environment variables, labels). */
function KeyValueRows({ list, noun, keyPlaceholder }: { list: 'env' | 'labels'; noun: string; keyPlaceholder: string }) {
  const rows = useRunForm((s) => s.form[list]);
  return rows.map((r, i) => (
    <div className="row" key={i}>
      <input aria-label={`${noun} ${i + 1} ${list === 'env' ? 'name' : 'key'}`} placeholder={keyPlaceholder} value={r.key} onChange={(e) => setRow(list, i, { key: e.target.value })} />
      <span>=</span>
      <input aria-label={`${noun} ${i + 1} value`} placeholder="value" value={r.value} onChange={(e) => setRow(list, i, { value: e.target.value })} />
      <Remove what={`${noun.toLowerCase()} ${i + 1}`} onClick={() => removeRow(list, i)} />
    </div>
  ));
}

function text(label: string, key: keyof RunForm, form: RunForm, placeholder = '') {
  return (
    <label>
      {label}
      <input value={form[key] as string} placeholder={placeholder} autoComplete="off" onChange={(e) => updateForm({ [key]: e.target.value })} />
    </label>
  );
}

function check(label: string, key: keyof RunForm, form: RunForm) {
  return (
    <label className="check">
      <input type="checkbox" checked={form[key] as boolean} onChange={(e) => updateForm({ [key]: e.target.checked })} /> {label}
    </label>
  );
}

export function RunDialog() {
  const { form, busy, error } = useRunForm(useShallow((s) => ({ form: s.form, busy: s.busy, error: s.error })));
  const networkNames = networks.use(useShallow((s) => s.items.map((n) => n.name)));
  const preview = commandPreview(form);
  return (
    <Dialog title="Run a container" submitLabel="Run" wide onClose={closeDialog} onSubmit={() => void submitRun()} busy={busy} error={error}>
      <div className="run-grid">
        {text('Image', 'image', form, 'nginx:latest')}
        {text('Name', 'name', form, 'optional')}
        {text('Command', 'command', form, 'e.g. sh -c "echo hi"')}
        {text('Entrypoint', 'entrypoint', form, 'image default')}
      </div>

      <Section title="Ports" onAdd={() => addRow('ports')} addLabel="Port">
        {form.ports.map((p, i) => (
          <div className="row" key={i}>
            <input aria-label={`Port ${i + 1} host IP`} value={p.hostIp} onChange={(e) => setRow('ports', i, { hostIp: e.target.value })} />
            <input aria-label={`Port ${i + 1} host port`} placeholder="host port (any)" value={p.hostPort} onChange={(e) => setRow('ports', i, { hostPort: e.target.value })} />
            <span>→</span>
            <input aria-label={`Port ${i + 1} container port`} placeholder="container port" value={p.containerPort} onChange={(e) => setRow('ports', i, { containerPort: e.target.value })} />
            <select aria-label={`Port ${i + 1} protocol`} value={p.protocol} onChange={(e) => setRow('ports', i, { protocol: e.target.value as 'tcp' | 'udp' })}>
              <option>tcp</option>
              <option>udp</option>
            </select>
            <Remove what={`port ${i + 1}`} onClick={() => removeRow('ports', i)} />
          </div>
        ))}
      </Section>

      <Section title="Volumes" onAdd={() => addRow('mounts')} addLabel="Volume">
        {form.mounts.map((m, i) => (
          <div className="row" key={i}>
            <select aria-label={`Volume ${i + 1} type`} value={m.type} onChange={(e) => setRow('mounts', i, { type: e.target.value as 'volume' | 'bind' | 'tmpfs' })}>
              <option value="volume">volume</option>
              <option value="bind">bind</option>
              <option value="tmpfs">tmpfs</option>
            </select>
            {m.type !== 'tmpfs' && (
              <input aria-label={`Volume ${i + 1} source`} placeholder={m.type === 'bind' ? '/host/path' : 'name (empty: anonymous)'} value={m.source} onChange={(e) => setRow('mounts', i, { source: e.target.value })} />
            )}
            <span>→</span>
            <input aria-label={`Volume ${i + 1} container path`} placeholder="/container/path" value={m.target} onChange={(e) => setRow('mounts', i, { target: e.target.value })} />
            {m.type === 'tmpfs' ? (
              <input aria-label={`Volume ${i + 1} size`} placeholder="size, e.g. 64m" value={m.size} onChange={(e) => setRow('mounts', i, { size: e.target.value })} />
            ) : (
              <label className="check">
                <input type="checkbox" checked={m.readOnly} onChange={(e) => setRow('mounts', i, { readOnly: e.target.checked })} /> read-only
              </label>
            )}
            <Remove what={`volume ${i + 1}`} onClick={() => removeRow('mounts', i)} />
          </div>
        ))}
      </Section>

      <Section title="Environment" onAdd={() => addRow('env')} addLabel="Variable">
        <KeyValueRows list="env" noun="Variable" keyPlaceholder="NAME" />
        <label className="file">
          Load .env file
          <input type="file" aria-label="Env file" onChange={(e) => void e.target.files?.[0]?.text().then(loadEnvFile)} />
        </label>
      </Section>

      <div className="run-grid">
        <label>
          Network
          <select value={form.network} onChange={(e) => updateForm({ network: e.target.value })}>
            <option value="">default (bridge)</option>
            {networkNames.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          Restart
          <select value={form.restart} onChange={(e) => updateForm({ restart: e.target.value as RunForm['restart'] })}>
            {RESTART_POLICIES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {form.restart === 'on-failure' && text('Max retries', 'maxRetries', form, 'unlimited')}
        {text('CPUs', 'cpus', form, 'e.g. 1.5')}
        {text('Memory', 'memory', form, 'e.g. 512m')}
        {text('User', 'user', form, 'image default')}
        {text('Working directory', 'workdir', form, 'image default')}
        {text('Add capabilities', 'capAdd', form, 'e.g. NET_ADMIN')}
        {text('Drop capabilities', 'capDrop', form, 'e.g. ALL')}
      </div>
      <div className="checks">
        {check('Remove when it exits (--rm)', 'autoRemove', form)}
        {check('Interactive (-i)', 'interactive', form)}
        {check('TTY (-t)', 'tty', form)}
        {check('Read-only root filesystem', 'readOnly', form)}
        {check('Run an init process (--init)', 'init', form)}
      </div>

      <Section title="Labels" onAdd={() => addRow('labels')} addLabel="Label">
        <KeyValueRows list="labels" noun="Label" keyPlaceholder="key" />
      </Section>

      <div className="preview" aria-label="Equivalent command">
        {'command' in preview ? <code>{preview.command}</code> : <span className="muted">{form.image.trim() ? preview.error : 'Enter an image to see the docker run command.'}</span>}
      </div>
    </Dialog>
  );
}
