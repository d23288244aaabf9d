/**
 * The banner over every view: the VM's boot while Berth waits on it, and whenever the engine in
 * use does not answer, why and the fixes in place (start the Berth VM, switch to an engine that
 * answers, retry). Nothing here is a dead end.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EngineStatus, VmInfo } from '../../../electron/shared/models';
import { bootView } from '../../lib/boot-progress';
import { relativeTime } from '../../lib/format';
import { probeContexts, switchContext, useContexts, useVmInUse, VM_CONTEXT } from '../../stores/contexts';
import { retryEngine, trustHostKey, useEngine } from '../../stores/engine';
import { setView } from '../../stores/ui';
import { startVmAndUse, useVm } from '../../stores/vm';

/** The time, once a second, only while mounted (the boot panel). */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function VmBoot({ info }: { info: VmInfo }) {
  const b = bootView(info, useNow());
  return (
    <div className="banner banner-info boot" role="status" aria-label="VM boot">
      <div className="boot-line">
        <span>
          <strong>Starting the Berth VM</strong>: {b.step}…
        </span>
        <span className="muted">
          {b.elapsedS} s{b.aboutS ? ` (the last start took about ${b.aboutS} s)` : ''}
        </span>
        <button className="link" onClick={() => setView('vm')}>
          Show the console
        </button>
      </div>
      <progress aria-label="Boot progress" max={1} {...(b.fraction !== undefined ? { value: b.fraction } : {})} />
      <p className="small">Every view fills in as soon as the VM's engine answers.</p>
    </div>
  );
}

/** Start the VM, the engines that answer, retry: under any "not answering" message. */
function Fixes({ status, vm, vmInUse }: { status: EngineStatus; vm?: VmInfo; vmInUse: boolean }) {
  const { probes, probing } = useContexts(useShallow((s) => ({ probes: s.probes, probing: s.probing })));
  const [retrying, setRetrying] = useState(false);
  useEffect(() => void probeContexts(), [status.since, vm?.state]);
  // The ones that answer, and the ssh:// ones Berth does not ping (they are offered as not checked).
  const others = (probes ?? []).filter((p) => !p.active && p.answers !== false && p.name !== VM_CONTEXT);
  const vmState = vm?.state ?? 'stopped';
  // A refusal (an older engine) or something to install first: starting again as it is cannot help.
  const hopeless = vmState === 'error' && (vm?.errorCode === 'CONFLICT' || vm?.errorCode === 'UNAVAILABLE');
  const canStartVm = vmState === 'stopped' || (vmState === 'error' && !hopeless);
  return (
    <div className="banner-fixes">
      {canStartVm && <button onClick={() => void startVmAndUse()}>{vmInUse ? (vmState === 'error' ? 'Start the VM again' : 'Start the Berth VM') : 'Start the Berth VM and use it'}</button>}
      {!vmInUse && (vmState === 'running' || vmState === 'paused') && (
        <button onClick={() => void switchContext(VM_CONTEXT)}>Use the Berth VM ({vmState === 'paused' ? 'paused, resumes when used' : 'running'})</button>
      )}
      {others.map((p) => (
        <button key={p.name} onClick={() => void switchContext(p.name)} title={p.host}>
          Switch to {p.name}
          {p.answers === null ? ' (not checked)' : ''}
        </button>
      ))}
      <button
        disabled={retrying}
        onClick={() => {
          setRetrying(true);
          void retryEngine().finally(() => setRetrying(false));
        }}
      >
        {retrying ? 'Checking…' : 'Retry'}
      </button>
      {vmInUse && vmState === 'error' && (
        <button className="link" onClick={() => setView('vm')}>
          Show the console
        </button>
      )}
      <span className="small">
        {probing && !probes ? 'Looking for engines that answer…' : others.length ? '' : 'No other engine Berth knows answers; add one in Settings.'}{' '}
        <button className="link" onClick={() => setView('settings')}>
          Engines in Settings
        </button>
      </span>
    </div>
  );
}

/** An SSH host key Berth refused: an unknown one can be trusted here (never silently); a changed one cannot. */
function HostKey({ hostKey }: { hostKey: NonNullable<EngineStatus['hostKey']> }) {
  const trustError = useEngine((s) => s.trustError);
  const [trusting, setTrusting] = useState(false);
  if (hostKey.changed) {
    return (
      <p role="alert" aria-label="Host key changed">
        <strong>The host key of {hostKey.host} has changed</strong>: it presented <span className="mono">{hostKey.fingerprint}</span>, not the key in your known_hosts. Someone may be answering in its
        place; Berth will not connect. If the host was really re-installed, remove the old key (<span className="mono">ssh-keygen -R '{hostKey.host}'</span>) and retry.
      </p>
    );
  }
  return (
    <div role="group" aria-label="Unknown host key">
      <p>
        The host <strong>{hostKey.host}</strong> presented the key <span className="mono">{hostKey.fingerprint}</span>, which is not in your known_hosts. Check it with the host's owner (
        <span className="mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</span> there) before you trust it.
      </p>
      <button
        disabled={trusting}
        onClick={() => {
          setTrusting(true);
          void trustHostKey(hostKey.fingerprint).finally(() => setTrusting(false));
        }}
      >
        {trusting ? 'Connecting…' : 'Trust and connect'}
      </button>
      {trustError && <p className="small">{trustError}</p>}
    </div>
  );
}

export function EngineBanner() {
  const { status, connected } = useEngine(useShallow((s) => ({ status: s.status, connected: s.connected })));
  const vm = useVm((s) => s.info);
  const vmInUse = useVmInUse();
  if (!connected) {
    return (
      <div className="banner banner-bad" role="alert">
        <strong>Disconnected from Berth.</strong> Reconnecting…
      </div>
    );
  }
  if (!status) return null;
  if (status.state === 'up') {
    // Auto-pause: the engine is there, the VM just uses no CPU until the next call (any action) resumes it.
    return vmInUse && vm?.state === 'paused' ? (
      <div className="banner banner-info" role="status" aria-label="VM paused">
        <strong>The Berth VM is paused</strong> to save resources (no container ran for a while). Your next action resumes it at once.
      </div>
    ) : null;
  }
  if (vmInUse && vm?.state === 'starting') return <VmBoot info={vm} />;
  if (status.state === 'connecting') return <div className="banner banner-info">Connecting to the engine at {status.endpoint}…</div>;
  const why = vmInUse ? (
    vm?.state === 'error' ? (
      <>
        <strong>The Berth VM did not start</strong>: {vm.reason}
      </>
    ) : vm?.state === 'stopping' ? (
      <strong>The Berth VM is stopping.</strong>
    ) : vm?.state === 'running' || vm?.state === 'paused' ? (
      <>
        <strong>The Berth VM runs, but its engine does not answer</strong> at <span className="mono">{status.endpoint}</span>: {status.reason}.
      </>
    ) : (
      <>
        <strong>The Berth VM is stopped</strong>; it is the engine Berth uses. Start it, or switch to another engine.
      </>
    )
  ) : status.notAnswering ? (
    <>
      <strong>
        The engine at <span className="mono">{status.endpoint}</span> is not answering
      </strong>
      : {status.reason}. Requests fail at once meanwhile; Berth keeps checking and recovers by itself (since {relativeTime(status.since)}).
    </>
  ) : (
    <>
      <strong>Engine unreachable</strong> at <span className="mono">{status.endpoint}</span>: {status.reason}. Berth reconnects by itself (since {relativeTime(status.since)}).
    </>
  );
  return (
    <div className="banner banner-bad" role="alert" data-engine-state={status.state}>
      <p>{why}</p>
      {status.hostKey && <HostKey hostKey={status.hostKey} />}
      <Fixes status={status} {...(vm ? { vm } : {})} vmInUse={vmInUse} />
    </div>
  );
}
