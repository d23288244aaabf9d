/**
 * The Inspect tab's facts, read once from `docker inspect` so no view reads the engine's JSON.
 * Total: any answer (an older engine's, a broken one) gives a detail with what it understood.
 */
import type { ContainerDetail, ContainerMount } from '../../shared/models';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const positive = (v: unknown): number | undefined => (num(v) > 0 ? num(v) : undefined);

function mounts(d: Json): ContainerMount[] {
  const host = obj(d.HostConfig);
  // The engine's mount list has no tmpfs options: they are in the configured mounts, by target.
  const configured = new Map(arr(host.Mounts).map((m) => [str(obj(m).Target), obj(m)]));
  const out: ContainerMount[] = [];
  const seen = new Set<string>();
  for (const item of arr(d.Mounts)) {
    const m = obj(item);
    const type = str(m.Type) || 'volume';
    const target = str(m.Destination);
    if (!target) continue;
    seen.add(target);
    const mount: ContainerMount = { type, source: type === 'tmpfs' ? '' : type === 'volume' ? str(m.Name) : str(m.Source), target, readOnly: m.RW === false };
    if (type === 'volume' && /^[0-9a-f]{64}$/.test(mount.source)) mount.anonymous = true;
    if (type === 'tmpfs') {
      const o = obj(configured.get(target)?.TmpfsOptions);
      const size = positive(o.SizeBytes);
      const mode = positive(o.Mode);
      if (size !== undefined || mode !== undefined) mount.tmpfs = { ...(size !== undefined ? { size } : {}), ...(mode !== undefined ? { mode } : {}) };
    }
    out.push(mount);
  }
  // `--tmpfs /tmp:size=64m` is kept apart from the other mounts, with its options as typed.
  for (const [target, options] of Object.entries(obj(host.Tmpfs))) {
    if (!seen.has(target)) out.push({ type: 'tmpfs', source: '', target, readOnly: false, ...(str(options) ? { tmpfsOptions: str(options) } : {}) });
  }
  return out;
}

export function toContainerDetail(raw: unknown): ContainerDetail {
  const d = obj(raw);
  const config = obj(d.Config);
  const host = obj(d.HostConfig);
  const policy = obj(host.RestartPolicy);
  const policyName = str(policy.Name) || 'no';
  return {
    image: str(config.Image),
    command: [...strs(config.Entrypoint), ...strs(config.Cmd)],
    env: strs(config.Env),
    mounts: mounts(d),
    // An empty HostIp is every address of the host, as docker port says it.
    ports: Object.entries(obj(obj(d.NetworkSettings).Ports)).map(([port, bindings]) => ({
      port,
      bindings: arr(bindings).map((b) => ({ hostIp: str(obj(b).HostIp) || '0.0.0.0', hostPort: str(obj(b).HostPort) })),
    })),
    networks: Object.entries(obj(obj(d.NetworkSettings).Networks)).map(([name, v]) => ({ name, ...(str(obj(v).IPAddress) ? { ipAddress: str(obj(v).IPAddress) } : {}) })),
    restartPolicy: { name: policyName, maximumRetryCount: policyName === 'on-failure' ? Math.max(0, num(policy.MaximumRetryCount)) : 0 },
    restartCount: num(d.RestartCount),
    memory: Math.max(0, num(host.Memory)),
    cpus: Math.max(0, num(host.NanoCpus)) / 1e9,
  };
}
