import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { forwardsInWords, forwardsReach } from '../../../electron/shared/forwarded-ports';
import { Badge } from '../../components/Badge';
import { switchContext, useContexts, VM_CONTEXT } from '../../stores/contexts';
import { refreshVmLog, restartVm, saveVmResources, startVm, stopVm, useVm, type VmResources } from '../../stores/vm';
import { useSubmit } from '../use-submit';

/** The Berth VM: state and boot progress, start / stop / restart, resources, console. */
export function VmView() {
  const { info, log, busy } = useVm(useShallow((s) => ({ info: s.info, log: s.log, busy: s.busy })));
  const vmInUse = useContexts((s) => s.contexts.some((c) => c.name === VM_CONTEXT && c.active));
  const state = info?.state ?? 'stopped';
  const moving = state === 'starting' || state === 'stopping' || !!busy;
  const up = state === 'running' || state === 'paused';
  return (
    <section className="view">
      <header className="toolbar">
        <h1>Berth VM</h1>
        <Badge label={state} />
        <span className="grow" />
        <button onClick={() => void startVm()} disabled={moving || state === 'running'}>
          {state === 'paused' ? 'Resume' : 'Start'}
        </button>
        <button onClick={() => void stopVm()} disabled={moving || state === 'stopped'}>
          Stop
        </button>
        <button onClick={() => void restartVm()} disabled={moving || !up}>
          Restart
        </button>
      </header>
      <div className="vm-state" role="group" aria-label="VM state" data-vm-state={state}>
        {state === 'starting' && <p role="status">{info?.step ?? 'Starting'}…</p>}
        {state === 'stopping' && <p role="status">Stopping: the engine stops its containers, then the VM shuts down.</p>}
        {state === 'error' && (
          <p className="form-error" role="alert">
            {info?.reason}
          </p>
        )}
        {state === 'paused' && (
          <p role="status">
            Paused to save resources: no container ran and nothing asked the engine for a while, so the VM uses no CPU. Any call to the engine (this app or your docker CLI) resumes it at once.
          </p>
        )}
        {up && info && (
          <>
            <p>
              Engine at <span className="mono">{info.dockerHost}</span> ({info.backend}). Your docker CLI reaches it with <span className="mono">docker --context berth</span>.{' '}
              {!vmInUse && <button onClick={() => void switchContext(VM_CONTEXT)}>Use in Berth</button>}
            </p>
            <p>
              Ports forwarded: {info.forwards?.length ? <span className="mono">{forwardsInWords(info.forwards)}</span> : 'none yet (they follow the containers that publish ports)'}.{' '}
              <span className="muted">{forwardsReach(info.forwards ?? [])}</span>
            </p>
          </>
        )}
        {info?.warnings.map((w) => (
          <p key={w} className="form-error" role="alert">
            {w}
          </p>
        ))}
      </div>
      <ResourcesForm />
      <h2 className="section-title">
        Console <button onClick={() => void refreshVmLog()}>Refresh</button>
      </h2>
      <pre className="vm-console mono" aria-label="VM console" tabIndex={0}>
        {log || 'Nothing yet: the console of the last boot shows here.'}
      </pre>
    </section>
  );
}

/** CPUs, memory and disk of the VM (also on the Settings page). */
export function ResourcesForm({ title = 'Resources' }: { title?: string }) {
  const resources = useVm((s) => s.resources);
  const [draft, setDraft] = useState<VmResources | undefined>(resources);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(resources), [resources]);
  const { busy, error, submit } = useSubmit(async () => {
    const e = draft ? await saveVmResources(draft) : undefined;
    setSaved(!e);
    return e;
  });
  if (!draft) return null;
  const field = (key: keyof VmResources, label: string, min: number, step?: 'any') => (
    <label>
      {label}
      <input
        type="number"
        aria-label={label}
        min={min}
        {...(step ? { step } : {})}
        value={draft[key]}
        onChange={(e) => {
          setSaved(false);
          setDraft({ ...draft, [key]: Number(e.target.value) });
        }}
      />
    </label>
  );
  return (
    <>
      <h2 className="section-title">{title}</h2>
      <form
        className="inline-form"
        aria-label="VM resources"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {field('cpus', 'CPUs', 1)}
        {field('memoryMiB', 'Memory (MiB)', 512)}
        {field('diskGiB', 'Disk (GiB)', 8)}
        {field('autoPauseMinutes', 'Pause when idle after (minutes, 0: never)', 0)}
        <button type="submit" disabled={busy}>
          Save
        </button>
        {saved && <span className="muted small">Saved. CPUs, memory and disk apply at the next start; the auto-pause applies now.</span>}
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
