/**
 * The Inspect tab's summary: a few labelled lines built once from `docker inspect`, so the view
 * only lists them (no view reads the engine's JSON). Pure, and total: any input gives rows.
 */
import { shellJoin } from '../../electron/shared/run-spec';
import { formatBytes, shortId } from './format';

export interface SummaryRow {
  label: string;
  values: string[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** An anonymous volume is named by 64 hex digits: show it as docker shortens ids. */
const volumeName = (name: string) => (/^[0-9a-f]{64}$/.test(name) ? `${shortId(name)} (anonymous)` : name);

function tmpfsOptions(o: Json): string[] {
  const out: string[] = [];
  if (num(o.SizeBytes) > 0) out.push(`size ${formatBytes(num(o.SizeBytes))}`);
  if (num(o.Mode) > 0) out.push(`mode ${num(o.Mode).toString(8).padStart(4, '0')}`);
  return out;
}

/** `volume data -> /data`, `bind /src -> /app (read-only)`, `tmpfs -> /tmp (size 64.0 MiB)`. */
function mounts(d: Json): string[] {
  const host = obj(d.HostConfig);
  const configured = new Map(arr(host.Mounts).map((m) => [str(obj(m).Target), obj(m)]));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of arr(d.Mounts)) {
    const m = obj(item);
    const type = str(m.Type) || 'volume';
    const target = str(m.Destination);
    if (!target) continue;
    seen.add(target);
    const opts = type === 'tmpfs' ? tmpfsOptions(obj(configured.get(target)?.TmpfsOptions)) : [];
    if (m.RW === false) opts.push('read-only');
    const source = type === 'tmpfs' ? '' : type === 'volume' ? volumeName(str(m.Name)) : str(m.Source);
    out.push(`${type}${source ? ` ${source}` : ''} → ${target}${opts.length ? ` (${opts.join(', ')})` : ''}`);
  }
  // `--tmpfs /tmp:size=64m` is kept apart from the other mounts, with its options as typed.
  for (const [target, options] of Object.entries(obj(host.Tmpfs))) {
    if (!seen.has(target)) out.push(`tmpfs → ${target}${str(options) ? ` (${str(options)})` : ''}`);
  }
  return out;
}

function ports(d: Json): string[] {
  return Object.entries(obj(obj(d.NetworkSettings).Ports)).map(([port, bindings]) => {
    const list = arr(bindings).map((b) => `${str(obj(b).HostIp) || '0.0.0.0'}:${str(obj(b).HostPort)}`);
    return list.length ? `${list.join(', ')} → ${port}` : port;
  });
}

/** As `docker run --restart` takes it: `on-failure:3` keeps its maximum. */
function restartPolicy(d: Json): string {
  const p = obj(obj(d.HostConfig).RestartPolicy);
  const name = str(p.Name) || 'no';
  return name === 'on-failure' && num(p.MaximumRetryCount) > 0 ? `${name}:${num(p.MaximumRetryCount)}` : name;
}

function limits(d: Json): string[] {
  const host = obj(d.HostConfig);
  const out: string[] = [];
  if (num(host.Memory) > 0) out.push(`memory ${formatBytes(num(host.Memory))}`);
  if (num(host.NanoCpus) > 0) out.push(`cpus ${num(host.NanoCpus) / 1e9}`);
  return out;
}

export function inspectSummary(raw: unknown): SummaryRow[] {
  const d = obj(raw);
  const config = obj(d.Config);
  const command = [...strs(config.Entrypoint), ...strs(config.Cmd)];
  return [
    { label: 'Image', values: [str(config.Image)].filter(Boolean) },
    { label: 'Command', values: command.length ? [shellJoin(command)] : [] },
    { label: 'Environment', values: strs(config.Env) },
    { label: 'Mounts', values: mounts(d) },
    { label: 'Ports', values: ports(d) },
    { label: 'Networks', values: Object.entries(obj(obj(d.NetworkSettings).Networks)).map(([n, v]) => `${n}${str(obj(v).IPAddress) ? ` (${str(obj(v).IPAddress)})` : ''}`) },
    { label: 'Restart policy', values: [restartPolicy(d)] },
    { label: 'Restart count', values: [String(num(d.RestartCount))] },
    { label: 'Limits', values: limits(d) },
  ];
}
