import { useShallow } from 'zustand/react/shallow';
import { useEffect, type ReactNode } from 'react';
import { ConfirmDialog } from './components/ConfirmDialog';
import { Toasts } from './components/Toasts';
import { ContainerDetail } from './features/containers/ContainerDetail';
import { ProjectLogs } from './features/containers/ProjectLogs';
import { ContainersView } from './features/containers/ContainersView';
import { DiskView } from './features/disk/DiskView';
import { SettingsView } from './features/settings/SettingsView';
import { ResourcesView } from './features/resources/ResourcesView';
import { VmView } from './features/vm/VmView';
import { engineLabel } from '../electron/shared/models';
import { useVm } from './stores/vm';
import { switchContext, useContexts, useVmInUse } from './stores/contexts';
import { ImagesView } from './features/images/ImagesView';
import { NetworksView } from './features/networks/NetworksView';
import { SwarmView } from './features/swarm/SwarmView';
import { useSwarm } from './stores/swarm';
import { VolumesView } from './features/volumes/VolumesView';
import { VolumeDetail } from './features/volumes/VolumeDetail';
import { ImageDetail } from './features/images/ImageDetail';
import { NetworkDetail } from './features/networks/NetworkDetail';
import { PaletteLayer } from './features/palette/CommandPalette';
import { DialogLayer } from './features/dialogs';
import { useEngine } from './stores/engine';
import { EngineBanner } from './features/engine/EngineBanner';
import { containers, images, networks, volumes } from './stores/resources';
import { answerConfirm, dismissToast, resolveTheme, setView, useUi, type View } from './stores/ui';
import { ThemeSelect } from './features/settings/ThemeSelect';
import { HostTerminalView } from './features/terminal/HostTerminalView';
import { JobsView } from './features/jobs/JobsView';
import { runningCount, useJobs } from './stores/jobs';
import { tlsWords } from './lib/engine-tls';

const NAV: { id: View; label: string; useCount?: () => number | string }[] = [
  { id: 'containers', label: 'Containers', useCount: () => containers.use((s) => s.items.length) },
  { id: 'images', label: 'Images', useCount: () => images.use((s) => s.items.length) },
  { id: 'volumes', label: 'Volumes', useCount: () => volumes.use((s) => s.items.length) },
  { id: 'networks', label: 'Networks', useCount: () => networks.use((s) => s.items.length) },
  { id: 'swarm', label: 'Swarm', useCount: () => useSwarm((s) => (s.state?.state === 'active' ? (s.state.manager ? `${s.nodes.length} nodes` : 'worker') : '')) },
  { id: 'resources', label: 'Resources' },
  { id: 'jobs', label: 'Jobs', useCount: () => useJobs((s) => runningCount(s.jobs) || '') }, // running ones only
  { id: 'disk', label: 'Disk usage' },
  { id: 'terminal', label: 'Terminal' },
  { id: 'vm', label: 'Berth VM', useCount: () => useVm((s) => s.info?.state ?? 'stopped') },
  { id: 'settings', label: 'Settings' },
];

const VIEWS: Record<View, (p: { stale: boolean }) => ReactNode> = {
  containers: ContainersView,
  images: ImagesView,
  volumes: VolumesView,
  networks: NetworksView,
  swarm: SwarmView,
  resources: ResourcesView,
  jobs: JobsView,
  disk: DiskView,
  terminal: HostTerminalView,
  vm: VmView,
  settings: SettingsView,
};

/** The pages of one item, by view. */
const DETAILS: Partial<Record<View, (p: { id: string }) => ReactNode>> = {
  containers: ContainerDetail,
  images: ImageDetail,
  volumes: ({ id }) => <VolumeDetail name={id} />,
  networks: NetworkDetail,
};

function Count({ of }: { of: () => number | string }) {
  return <span className="nav-count">{of()}</span>;
}

function NavItem({ item, active }: { item: (typeof NAV)[number]; active: boolean }) {
  return (
    <button className={`nav-item${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined} onClick={() => setView(item.id)}>
      <span>{item.label}</span>
      {item.useCount && <Count of={item.useCount} />}
    </button>
  );
}

/** The engine in use, and why (chosen in Berth, from DOCKER_CONTEXT, ...); one Berth cannot use is listed, not choosable. */
function ContextPicker() {
  const contexts = useContexts((s) => s.contexts);
  const current = contexts.find((c) => c.active);
  if (contexts.length < 2) return null;
  return (
    <div className="context-pick">
      <label className="theme-pick">
        Engine
        <select aria-label="Engine in use" aria-describedby="engine-why" value={current?.name ?? ''} onChange={(e) => void switchContext(e.target.value)}>
          {contexts.map((c) => (
            <option key={c.name} value={c.name} disabled={!!c.problem} title={[c.description, c.host, c.tls && tlsWords(c.tls), c.problem].filter(Boolean).join(' · ')}>
              {c.name}
              {c.tls ? ' (TLS)' : ''}
              {c.problem ? ' (cannot be used)' : ''}
            </option>
          ))}
        </select>
      </label>
      {current?.why && (
        <p className="muted small" id="engine-why">
          {current.why}
        </p>
      )}
    </div>
  );
}

function EngineFooter() {
  const status = useEngine((s) => s.status);
  const state = status?.state ?? 'connecting';
  const vmInUse = useVmInUse();
  const booting = useVm((s) => s.info?.state === 'starting') && vmInUse;
  return (
    <div className="engine-footer" title={status?.endpoint}>
      <span className={`dot dot-${state}`} />
      {state === 'up' ? engineLabel(status ?? {}) : booting ? 'VM starting…' : state === 'connecting' ? 'Connecting…' : status?.notAnswering ? 'Engine not answering' : 'Engine unreachable'}
    </div>
  );
}

export function App() {
  const { view, detail, projectLogs, theme, toasts, confirm } = useUi(
    useShallow((s) => ({ view: s.view, detail: s.detail, projectLogs: s.projectLogs, theme: s.theme, toasts: s.toasts, confirm: s.confirm })),
  );
  const engineUp = useEngine((s) => s.connected && s.status?.state === 'up');
  useEffect(() => {
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => (document.documentElement.dataset.theme = resolveTheme(theme, dark.matches));
    apply();
    dark.addEventListener('change', apply);
    return () => dark.removeEventListener('change', apply);
  }, [theme]);
  const View = VIEWS[view];
  const Detail = detail ? DETAILS[view] : undefined;
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">
          <span className="logo" aria-hidden>
            ⚓
          </span>{' '}
          Berth
        </div>
        {NAV.map((item) => (
          <NavItem key={item.id} item={item} active={view === item.id} />
        ))}
        <div className="sidebar-bottom">
          <label className="theme-pick">
            Theme
            <ThemeSelect label="Theme" />
          </label>
          <ContextPicker />
          <EngineFooter />
        </div>
      </nav>
      <main>
        <EngineBanner />
        {Detail && detail ? <Detail key={detail} id={detail} /> : projectLogs ? <ProjectLogs project={projectLogs} /> : <View stale={!engineUp} />}
      </main>
      <DialogLayer />
      {confirm && <ConfirmDialog request={confirm} onAnswer={answerConfirm} />}
      <PaletteLayer />
      <Toasts toasts={toasts} onDismiss={dismissToast} />
    </div>
  );
}
