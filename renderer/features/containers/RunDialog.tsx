import { useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { HOST_NETWORK, NO_NETWORK, PULL_POLICIES, RESTART_POLICIES } from '../../../electron/shared/run-spec';
import { Dialog } from '../../components/Dialog';
import { networks } from '../../stores/resources';
import { fieldDomId, type RunForm } from '../../stores/run-fields';
import { addRow, submitRun, updateForm, useRunForm } from '../../stores/run-form';
import { commandPreview } from '../../stores/run-form-spec';
import { serviceRunPreview, setRunAsService, submitServiceRun, useSwarm } from '../../stores/swarm';
import { closeDialog } from '../../stores/ui';
import { ImageField } from './ImageField';
import { EnvFilePicker, KeyValueRows, MountRowFields, PortRowFields, SelectField, TextField } from './RunFields';

const NETWORK_WORDS: Record<string, string> = {
  [HOST_NETWORK]: 'host (the engine host’s own network: no isolation, no ports to publish)',
  [NO_NETWORK]: 'none (no network at all)',
};
const PULL_WORDS: Record<(typeof PULL_POLICIES)[number], string> = {
  missing: 'when missing (default)',
  always: 'always, for the newest',
  never: 'never: use this engine’s image',
};

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

function check(label: string, key: keyof RunForm, form: RunForm) {
  return (
    <label className="check">
      <input type="checkbox" checked={form[key] as boolean} onChange={(e) => updateForm({ [key]: e.target.checked })} /> {label}
    </label>
  );
}

/** After each refusal about a field: bring the field and its message into view, and focus the field. */
function useFocusRefusal() {
  const seq = useRunForm((s) => s.errorSeq);
  useEffect(() => {
    const field = useRunForm.getState().error?.field;
    if (!field) return; // one without a field is beside the Run button, where the Dialog focuses it
    const id = fieldDomId(field);
    document.getElementById(`${id}-error`)?.scrollIntoView({ block: 'center' });
    document.getElementById(id)?.focus({ preventScroll: true });
  }, [seq]);
}

/** On a swarm manager: run the form as a service instead, with its mode, replicas and port publishing; and what of the form does not apply to one, said. */
function AsService() {
  const manager = useSwarm((s) => s.state?.state === 'active' && !!s.state.manager);
  const r = useSwarm((s) => s.runAsService);
  const form = useRunForm((s) => s.form);
  useEffect(() => () => setRunAsService({ on: false }), []); // the next Run dialog starts as a container's
  if (!manager) return null;
  const preview = r.on ? serviceRunPreview(form, r) : undefined;
  return (
    <fieldset className="run-section" aria-label="Swarm service">
      <legend>Swarm</legend>
      <label className="check">
        <input type="checkbox" checked={r.on} onChange={(e) => setRunAsService({ on: e.target.checked })} /> Run as a swarm service (this engine is a swarm manager)
      </label>
      {r.on && (
        <>
          <div className="run-grid">
            <div className="field">
              <label>
                Service mode
                <select value={r.mode} onChange={(e) => setRunAsService({ mode: e.target.value as 'replicated' | 'global' })}>
                  <option value="replicated">replicated</option>
                  <option value="global">global (one task on every node)</option>
                </select>
              </label>
            </div>
            {r.mode === 'replicated' && (
              <div className="field">
                <label>
                  Replicas
                  <input type="number" min={0} max={1000} value={r.replicas} onChange={(e) => setRunAsService({ replicas: e.target.value })} />
                </label>
              </div>
            )}
            <div className="field">
              <label>
                Publish ports
                <select value={r.publish} onChange={(e) => setRunAsService({ publish: e.target.value as 'ingress' | 'host' })}>
                  <option value="ingress">ingress (on every node, the routing mesh)</option>
                  <option value="host">host (on the nodes that run a task)</option>
                </select>
              </label>
            </div>
          </div>
          {preview && 'notApplied' in preview && preview.notApplied.length > 0 && (
            <div className="warning" role="note" aria-label="Fields that do not apply">
              <p>These fields do not apply to a swarm service and are not used:</p>
              <ul>
                {preview.notApplied.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </div>
          )}
          {preview && 'notes' in preview && preview.notes.length > 0 && (
            <ul className="muted small" aria-label="How the fields apply to a service">
              {preview.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </fieldset>
  );
}

export function RunDialog() {
  const { form, busy, error, errorSeq } = useRunForm(useShallow((s) => ({ form: s.form, busy: s.busy, error: s.error, errorSeq: s.errorSeq })));
  const networkNames = networks.use(useShallow((s) => s.items.map((n) => n.name)));
  const asService = useSwarm((s) => s.runAsService.on && s.state?.state === 'active' && !!s.state.manager);
  const preview = commandPreview(form);
  useFocusRefusal();
  const general = error && !error.field ? error : undefined; // a refusal about no field in particular
  return (
    <Dialog
      title={asService ? 'Run a swarm service' : 'Run a container'}
      submitLabel={asService ? 'Create service' : 'Run'}
      wide
      onClose={closeDialog}
      onSubmit={() => void (asService ? submitServiceRun() : submitRun())}
      busy={busy}
      error={general?.message}
      hint={general?.hint}
      errorKey={errorSeq}
    >
      <AsService />
      <div className="run-grid">
        <ImageField />
        <TextField label="Name" field="name" placeholder="optional" />
        <TextField label="Command" field="command" placeholder='e.g. sh -c "echo hi"' />
        <TextField label="Entrypoint" field="entrypoint" placeholder="image default" />
      </div>

      <Section title="Ports" onAdd={() => addRow('ports')} addLabel="Port">
        {form.ports.map((_, i) => (
          <PortRowFields key={i} i={i} />
        ))}
      </Section>

      <Section title="Volumes" onAdd={() => addRow('mounts')} addLabel="Volume">
        {form.mounts.map((_, i) => (
          <MountRowFields key={i} i={i} />
        ))}
      </Section>

      <Section title="Environment" onAdd={() => addRow('env')} addLabel="Variable">
        <KeyValueRows list="env" noun="Variable" keyPlaceholder="NAME" />
        <EnvFilePicker />
      </Section>

      <div className="run-grid">
        <SelectField label="Network" field="network">
          <option value="">default (bridge)</option>
          {networkNames.map((n) => (
            <option key={n} value={n}>
              {NETWORK_WORDS[n] ?? n}
            </option>
          ))}
        </SelectField>
        <SelectField label="Pull" field="pull">
          {PULL_POLICIES.map((p) => (
            <option key={p} value={p}>
              {PULL_WORDS[p]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Restart" field="restart">
          {RESTART_POLICIES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </SelectField>
        {form.restart === 'on-failure' && <TextField label="Max retries" field="maxRetries" placeholder="unlimited" />}
        <TextField label="CPUs" field="cpus" placeholder="e.g. 1.5" />
        <TextField label="Memory" field="memory" placeholder="e.g. 512m" />
        <TextField label="User" field="user" placeholder="image default" />
        <TextField label="Working directory" field="workdir" placeholder="image default" />
        <TextField label="Add capabilities" field="capAdd" placeholder="e.g. NET_ADMIN" />
        <TextField label="Drop capabilities" field="capDrop" placeholder="e.g. ALL" />
        <TextField label="Hostname" field="hostname" placeholder="the container's id" />
        <TextField label="Add hosts" field="addHosts" placeholder="e.g. db.local:10.0.0.5 gw:host-gateway" />
        <TextField label="Devices" field="devices" placeholder="e.g. /dev/fuse /dev/snd:/dev/snd:rw" />
      </div>
      <div className="checks">
        {check('Remove when it exits (--rm)', 'autoRemove', form)}
        {check('Interactive (-i)', 'interactive', form)}
        {check('TTY (-t)', 'tty', form)}
        {check('Read-only root filesystem', 'readOnly', form)}
        {check('Run an init process (--init)', 'init', form)}
        {check('Privileged (--privileged)', 'privileged', form)}
      </div>
      {form.privileged && (
        <p className="warning" role="note">
          A privileged container gets every capability and every device of the engine’s host (the Berth VM, or this computer for a local engine), with no isolation to speak of: what runs in it can
          take that machine over. Run only images you trust this way.
        </p>
      )}

      <Section title="Health check">
        <div className="run-grid">
          <TextField label="Health check command" field="healthCmd" placeholder="e.g. curl -f http://localhost/ || exit 1" />
          <TextField label="Health check interval" field="healthInterval" placeholder="30s" />
          <TextField label="Health check timeout" field="healthTimeout" placeholder="30s" />
          <TextField label="Health check retries" field="healthRetries" placeholder="3" />
          <TextField label="Health check start period" field="healthStartPeriod" placeholder="0s" />
        </div>
        {check("Turn off the image's health check (--no-healthcheck)", 'noHealthcheck', form)}
      </Section>

      <Section title="Labels" onAdd={() => addRow('labels')} addLabel="Label">
        <KeyValueRows list="labels" noun="Label" keyPlaceholder="key" />
      </Section>

      <div className="preview" aria-label="Equivalent command" hidden={asService}>
        {'command' in preview ? <code>{preview.command}</code> : <span className="muted">{form.image.trim() ? preview.error : 'Enter an image to see the docker run command.'}</span>}
      </div>
    </Dialog>
  );
}
