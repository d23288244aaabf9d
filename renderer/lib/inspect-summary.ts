/**
 * The Inspect tab's summary: a few labelled lines from the container's detail (the service reads
 * `docker inspect`), so the view only lists them. Pure.
 */
import type { ContainerDetail, ContainerMount } from '../../electron/shared/models';
import { shellJoin } from '../../electron/shared/run-spec';
import { formatBytes, shortId } from './format';

export interface SummaryRow {
  label: string;
  values: string[];
}

/** `volume data -> /data`, `bind /src -> /app (read-only)`, `tmpfs -> /tmp (size 64.0 MiB)`. */
function mount(m: ContainerMount): string {
  const opts: string[] = [];
  if (m.tmpfs?.size) opts.push(`size ${formatBytes(m.tmpfs.size)}`);
  if (m.tmpfs?.mode) opts.push(`mode ${m.tmpfs.mode.toString(8).padStart(4, '0')}`);
  if (m.tmpfsOptions) opts.push(m.tmpfsOptions);
  if (m.readOnly) opts.push('read-only');
  // An anonymous volume is named by 64 hex digits: shown as docker shortens ids.
  const source = m.anonymous ? `${shortId(m.source)} (anonymous)` : m.source;
  return `${m.type}${source ? ` ${source}` : ''} → ${m.target}${opts.length ? ` (${opts.join(', ')})` : ''}`;
}

/** As `docker run --restart` takes it: `on-failure:3` keeps its maximum. */
const restartPolicy = (p: ContainerDetail['restartPolicy']) => (p.maximumRetryCount > 0 ? `${p.name}:${p.maximumRetryCount}` : p.name);

function limits(d: ContainerDetail): string[] {
  const out: string[] = [];
  if (d.memory > 0) out.push(`memory ${formatBytes(d.memory)}`);
  if (d.cpus > 0) out.push(`cpus ${d.cpus}`);
  return out;
}

export function inspectSummary(d: ContainerDetail): SummaryRow[] {
  return [
    { label: 'Image', values: [d.image].filter(Boolean) },
    { label: 'Command', values: d.command.length ? [shellJoin(d.command)] : [] },
    { label: 'Environment', values: d.env },
    { label: 'Mounts', values: d.mounts.map(mount) },
    { label: 'Ports', values: d.ports.map((p) => (p.bindings.length ? `${p.bindings.map((b) => `${b.hostIp}:${b.hostPort}`).join(', ')} → ${p.port}` : p.port)) },
    { label: 'Networks', values: d.networks.map((n) => `${n.name}${n.ipAddress ? ` (${n.ipAddress})` : ''}`) },
    { label: 'Restart policy', values: [restartPolicy(d.restartPolicy)] },
    { label: 'Restart count', values: [String(d.restartCount)] },
    { label: 'Limits', values: limits(d) },
  ];
}
