/**
 * "Run again" and "copy as docker run": the run spec that makes a container like this one, read
 * from its inspect beside its image's (what the image sets by itself — command, environment,
 * labels, health check, volumes — is left to the image, as `docker run` would). Whatever the
 * engine sends, it never throws. A CMD-form health check becomes its shell line; what a run spec
 * cannot say at all (another container's network, --pid, --security-opt, ...) `notCarried` names.
 */
import type { RunSpecInput } from '../../shared/run-spec';
import { parseBytes } from '../../shared/run-spec';
import { checkCommand, nsToMs } from './health-check';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
/** An anonymous volume's name: 64 hex digits. */
const ANONYMOUS = /^[0-9a-f]{64}$/;

export function runSpecOf(container: unknown, image: unknown): RunSpecInput {
  const c = obj(container);
  const cfg = obj(c['Config']);
  const host = obj(c['HostConfig']);
  const img = obj(obj(image)['Config']);
  const spec: RunSpecInput = { image: str(cfg['Image']) || str(c['Image']) };

  const cmd = strs(cfg['Cmd']);
  const entrypoint = strs(cfg['Entrypoint']);
  // None where the image has one: made with --entrypoint '' (the CLI's [""] resets it).
  if (!same(entrypoint, strs(img['Entrypoint']))) spec.entrypoint = entrypoint.length ? entrypoint : [''];
  // A new entrypoint resets the image's command, so the command goes with it.
  if (spec.entrypoint || !same(cmd, strs(img['Cmd']))) spec.command = cmd;

  const imageEnv = new Set(strs(img['Env']));
  spec.env = strs(cfg['Env'])
    .filter((e) => !imageEnv.has(e) && e.includes('='))
    .map((e) => ({ key: e.slice(0, e.indexOf('=')), value: e.slice(e.indexOf('=') + 1) }));

  const imageLabels = obj(img['Labels']);
  spec.labels = Object.fromEntries(Object.entries(obj(cfg['Labels'])).filter(([k, v]) => typeof v === 'string' && !k.startsWith('com.docker.compose.') && imageLabels[k] !== v)) as Record<
    string,
    string
  >;

  spec.ports = Object.entries(obj(host['PortBindings'])).flatMap(([key, bindings]) => {
    const [port = '', protocol = 'tcp'] = key.split('/');
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort) || (protocol !== 'tcp' && protocol !== 'udp')) return [];
    return (Array.isArray(bindings) ? bindings : [{}]).map((b) => {
      const hostPort = Number(str(obj(b)['HostPort']));
      return { hostIp: str(obj(b)['HostIp']) || '0.0.0.0', ...(hostPort ? { hostPort } : {}), containerPort, protocol: protocol };
    });
  });

  const imageVolumes = new Set(Object.keys(obj(img['Volumes'])));
  const tmpfs = obj(host['Tmpfs']);
  spec.mounts = [
    ...(Array.isArray(c['Mounts']) ? c['Mounts'] : []).map(obj).flatMap((m): NonNullable<RunSpecInput['mounts']> => {
      const target = str(m['Destination']);
      const readOnly = m['RW'] === false;
      if (!target) return [];
      if (m['Type'] === 'bind') return [{ type: 'bind', source: str(m['Source']), target, readOnly }];
      if (m['Type'] === 'tmpfs') return []; // below, with its size
      if (m['Type'] !== 'volume') return [];
      const name = str(m['Name']);
      if (ANONYMOUS.test(name)) return imageVolumes.has(target) ? [] : [{ type: 'volume', target, readOnly }]; // the image's own: it makes them again
      return [{ type: 'volume', source: name, target, readOnly }];
    }),
    ...(Array.isArray(host['Mounts']) ? host['Mounts'] : []).map(obj).flatMap((m) => {
      const size = num(obj(m['TmpfsOptions'])['SizeBytes']);
      return m['Type'] === 'tmpfs' && str(m['Target']) ? [{ type: 'tmpfs' as const, target: str(m['Target']), ...(size > 0 ? { sizeBytes: size } : {}) }] : [];
    }),
    ...Object.entries(tmpfs).map(([target, opts]) => {
      const size = /(?:^|,)size=([^,]+)/.exec(str(opts))?.[1];
      let sizeBytes: number | undefined;
      try {
        sizeBytes = size ? parseBytes(size) : undefined;
      } catch {
        /* a size the spec cannot say: the engine's default */
      }
      return { type: 'tmpfs' as const, target, ...(sizeBytes ? { sizeBytes } : {}) };
    }),
  ];

  const network = str(host['NetworkMode']);
  if (network && network !== 'default' && network !== 'bridge' && !network.includes(':')) spec.network = network;
  const restart = obj(host['RestartPolicy']);
  const policy = str(restart['Name']);
  if (policy === 'always' || policy === 'unless-stopped' || policy === 'on-failure') spec.restart = policy;
  if (policy === 'on-failure' && num(restart['MaximumRetryCount']) > 0) spec.maxRetries = num(restart['MaximumRetryCount']);
  spec.autoRemove = host['AutoRemove'] === true;
  spec.interactive = cfg['OpenStdin'] === true;
  spec.tty = cfg['Tty'] === true;
  if (num(host['NanoCpus']) > 0) spec.cpus = num(host['NanoCpus']) / 1e9;
  if (num(host['Memory']) > 0) spec.memoryBytes = num(host['Memory']);
  if (str(cfg['User']) && cfg['User'] !== img['User']) spec.user = str(cfg['User']);
  if (str(cfg['WorkingDir']) && cfg['WorkingDir'] !== img['WorkingDir']) spec.workdir = str(cfg['WorkingDir']);
  spec.readOnly = host['ReadonlyRootfs'] === true;
  spec.capAdd = strs(host['CapAdd']);
  spec.capDrop = strs(host['CapDrop']);
  spec.init = host['Init'] === true;
  // The engine names a container's host after its id unless told otherwise.
  const hostname = str(cfg['Hostname']);
  if (hostname && !str(c['Id']).startsWith(hostname) && network !== 'host') spec.hostname = hostname;
  spec.addHosts = strs(host['ExtraHosts']).flatMap((h) => {
    const at = h.indexOf(':');
    return at > 0 ? [{ host: h.slice(0, at), ip: h.slice(at + 1) }] : []; // host-gateway stays as typed
  });
  spec.privileged = host['Privileged'] === true;
  spec.devices = (Array.isArray(host['Devices']) ? host['Devices'] : []).map(obj).flatMap((d) => {
    const from = str(d['PathOnHost']);
    const to = str(d['PathInContainer']);
    const perms = str(d['CgroupPermissions']);
    return from ? [{ host: from, ...(to && to !== from ? { container: to } : {}), ...(perms && perms !== 'rwm' ? { permissions: perms } : {}) }] : [];
  });

  const check = obj(cfg['Healthcheck']);
  if (Object.keys(check).length && !same(check, img['Healthcheck'])) {
    const test = strs(check['Test']);
    const command = checkCommand(test);
    if (test[0] === 'NONE') spec.noHealthcheck = true;
    else if (command) {
      const [intervalMs, timeoutMs, startPeriodMs] = [check['Interval'], check['Timeout'], check['StartPeriod']].map(nsToMs);
      spec.health = {
        command,
        ...(intervalMs ? { intervalMs } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        ...(startPeriodMs ? { startPeriodMs } : {}),
        ...(num(check['Retries']) > 0 ? { retries: num(check['Retries']) } : {}),
      };
    }
  }
  return spec;
}

/** The settings of the container a run spec cannot say: "run again" and "copy as docker run" name them. */
export function notCarried(container: unknown): string[] {
  const c = obj(container);
  const host = obj(c['HostConfig']);
  const left: string[] = [];
  const list = (v: unknown) => (Array.isArray(v) ? v.length > 0 : false);
  const mode = (v: unknown, dflt: string[]) => typeof v === 'string' && v !== '' && !dflt.includes(v);
  if (list(host['SecurityOpt'])) left.push('--security-opt');
  if (mode(host['PidMode'], [])) left.push(`--pid ${str(host['PidMode'])}`);
  if (mode(host['IpcMode'], ['private', 'shareable'])) left.push(`--ipc ${str(host['IpcMode'])}`);
  if (mode(host['UTSMode'], [])) left.push(`--uts ${str(host['UTSMode'])}`);
  if (list(host['Ulimits'])) left.push('--ulimit');
  if (num(host['ShmSize']) > 0 && num(host['ShmSize']) !== 64 * 2 ** 20) left.push('--shm-size');
  if (list(host['Dns']) || list(host['DnsSearch']) || list(host['DnsOptions'])) left.push('--dns');
  if (list(host['GroupAdd'])) left.push('--group-add');
  if (Object.keys(obj(host['Sysctls'])).length) left.push('--sysctl');
  if (list(host['VolumesFrom'])) left.push('--volumes-from');
  if (list(host['Links'])) left.push('--link');
  if (mode(host['Runtime'], ['runc'])) left.push(`--runtime ${str(host['Runtime'])}`);
  const network = str(host['NetworkMode']);
  if (network.includes(':')) left.push(`--network ${network}`);
  const networks = Object.keys(obj(obj(c['NetworkSettings'])['Networks']));
  if (networks.length > 1) left.push(`the networks beyond the first (${networks.filter((n) => n !== network).join(', ')})`);
  const log = obj(host['LogConfig']);
  if (Object.keys(obj(log['Config'])).length) left.push('--log-opt');
  return left;
}
