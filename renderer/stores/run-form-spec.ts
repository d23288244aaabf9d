/**
 * The Run dialog's form and the spec it makes, both ways: the form holds what the user typed
 * (strings); formToSpec turns it into a RunSpec, saying which field is wrong (the contract's own
 * schema then checks the spec, so the dialog refuses exactly what the router would; blank rows
 * are ignored); specToForm shows a spec in the form ("run again"). Pure.
 */
import { requests } from '../../electron/shared/api-contract';
import { deviceFlag, formatBytesFlag, formatDuration, parseBytes, parseDuration, shellJoin, splitArgs, toDockerRunCommand, type RunSpecInput } from '../../electron/shared/run-spec';
import { formatIssues } from '../../electron/shared/validation';
import { fieldLabel, issueField, type FieldId, type KeyValueRow, type MountRow, type PortRow, type RowIndex, type RunForm } from './run-fields';

export type Rows = { ports: PortRow; mounts: MountRow; env: KeyValueRow; labels: KeyValueRow };
export const blankRow: { [K in keyof Rows]: () => Rows[K] } = {
  ports: () => ({ hostIp: '127.0.0.1', hostPort: '', containerPort: '', protocol: 'tcp' }),
  mounts: () => ({ type: 'volume', source: '', target: '', readOnly: false, size: '' }),
  env: () => ({ key: '', value: '' }),
  labels: () => ({ key: '', value: '' }),
};

export function emptyForm(image = ''): RunForm {
  return {
    image,
    name: '',
    command: '',
    entrypoint: '',
    ports: [],
    mounts: [],
    env: [],
    labels: [],
    network: '',
    restart: 'no',
    maxRetries: '',
    autoRemove: false,
    interactive: false,
    tty: false,
    readOnly: false,
    init: false,
    cpus: '',
    memory: '',
    user: '',
    workdir: '',
    capAdd: '',
    capDrop: '',
    hostname: '',
    addHosts: '',
    devices: '',
    privileged: false,
    pull: 'missing',
    healthCmd: '',
    healthInterval: '',
    healthTimeout: '',
    healthRetries: '',
    healthStartPeriod: '',
    noHealthcheck: false,
  };
}

/** A refusal for the field it names (see run-fields), thrown while the form is read. */
class FieldError extends Error {
  constructor(
    readonly field: FieldId,
    reason: string,
  ) {
    super(`${fieldLabel(field)}: ${reason}`);
  }
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined);
const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);
const used = <T>(rows: T[], keep: (r: T) => boolean) => rows.flatMap((r, i) => (keep(r) ? [i] : []));

/** "db.local:10.0.0.5" or "db.local=10.0.0.5" (the first "=", else the first ":", as docker's CLI splits). */
function hostEntry(word: string): { host: string; ip: string } {
  const at = word.includes('=') ? word.indexOf('=') : word.indexOf(':');
  if (at <= 0 || at === word.length - 1) throw new FieldError('addHosts', `"${word}" is not name:ip (such as db.local:10.0.0.5, or gw:host-gateway)`);
  return { host: word.slice(0, at), ip: word.slice(at + 1).replace(/^\[(.*)\]$/, '$1') };
}

/** "/dev/fuse", "/dev/snd:/dev/sound", "/dev/sda:r", "/dev/sda:/dev/xvda:rw" (as --device: a mode in the second place is the permissions). */
function deviceEntry(word: string): { host: string; container?: string; permissions?: string } {
  const parts = word.split(':');
  if (parts.length === 2 && /^[rwm]{1,3}$/.test(parts[1]!)) parts.splice(1, 0, '');
  const [host = '', container, permissions, ...rest] = parts;
  if (rest.length) throw new FieldError('devices', `"${word}" is not host-path[:container-path][:permissions]`);
  return { host, ...(container && container !== host ? { container } : {}), ...(permissions ? { permissions } : {}) };
}

export function formToSpec(f: RunForm): { spec: RunSpecInput } | { error: string; field?: FieldId } {
  const num = (s: string, field: FieldId): number | undefined => {
    if (!s.trim()) return undefined;
    const n = Number(s);
    if (!Number.isFinite(n)) throw new FieldError(field, 'must be a number');
    return n;
  };
  const args = (s: string, field: FieldId) => {
    try {
      return s.trim() ? splitArgs(s) : undefined;
    } catch (e) {
      throw new FieldError(field, (e as Error).message);
    }
  };
  const bytes = (s: string, field: FieldId) => {
    try {
      return s.trim() ? parseBytes(s) : undefined;
    } catch (e) {
      throw new FieldError(field, (e as Error).message);
    }
  };
  const ms = (s: string, field: FieldId) => {
    try {
      return s.trim() ? parseDuration(s) : undefined;
    } catch (e) {
      throw new FieldError(field, (e as Error).message);
    }
  };
  // Which form row each spec row came from: blank rows are left out of the spec.
  const rows: RowIndex = {
    ports: used(f.ports, (p) => Boolean(p.hostPort.trim() || p.containerPort.trim())),
    mounts: used(f.mounts, (m) => Boolean(m.source.trim() || m.target.trim())),
    env: used(f.env, (e) => Boolean(e.key.trim() || e.value)),
  };
  try {
    const spec: RunSpecInput = {
      image: f.image.trim(),
      name: opt(f.name),
      command: args(f.command, 'command'),
      entrypoint: args(f.entrypoint, 'entrypoint'),
      ports: rows.ports.map((i) => {
        const p = f.ports[i]!;
        const containerPort = num(p.containerPort, `ports.${i}.containerPort`);
        if (containerPort === undefined) throw new FieldError(`ports.${i}.containerPort`, 'is required');
        return { hostIp: p.hostIp.trim() || '127.0.0.1', hostPort: num(p.hostPort, `ports.${i}.hostPort`), containerPort, protocol: p.protocol };
      }),
      mounts: rows.mounts.map((i) => {
        const m = f.mounts[i]!;
        const target = m.target.trim();
        if (!target) throw new FieldError(`mounts.${i}.target`, 'is required');
        if (m.type === 'tmpfs') return { type: 'tmpfs' as const, target, ...(m.size.trim() ? { sizeBytes: bytes(m.size, `mounts.${i}.size`) } : {}) };
        if (m.type === 'bind') return { type: 'bind' as const, source: m.source.trim(), target, readOnly: m.readOnly };
        return { type: 'volume' as const, ...(m.source.trim() ? { source: m.source.trim() } : {}), target, readOnly: m.readOnly };
      }),
      env: rows.env.map((i) => ({ key: f.env[i]!.key.trim(), value: f.env[i]!.value })),
      labels: Object.fromEntries(f.labels.filter((l) => l.key.trim()).map((l) => [l.key.trim(), l.value])),
      network: opt(f.network),
      restart: f.restart,
      maxRetries: f.restart === 'on-failure' ? num(f.maxRetries, 'maxRetries') : undefined,
      autoRemove: f.autoRemove,
      interactive: f.interactive,
      tty: f.tty,
      cpus: num(f.cpus, 'cpus'),
      memoryBytes: bytes(f.memory, 'memory'),
      user: opt(f.user),
      workdir: opt(f.workdir),
      readOnly: f.readOnly,
      capAdd: words(f.capAdd),
      capDrop: words(f.capDrop),
      init: f.init,
      hostname: opt(f.hostname),
      addHosts: words(f.addHosts).map(hostEntry),
      devices: words(f.devices).map(deviceEntry),
      privileged: f.privileged,
      pull: f.pull,
      health: f.healthCmd.trim()
        ? {
            command: f.healthCmd.trim(),
            intervalMs: ms(f.healthInterval, 'healthInterval'),
            timeoutMs: ms(f.healthTimeout, 'healthTimeout'),
            startPeriodMs: ms(f.healthStartPeriod, 'healthStartPeriod'),
            retries: num(f.healthRetries, 'healthRetries'),
          }
        : undefined,
      noHealthcheck: f.noHealthcheck,
    };
    if (!f.healthCmd.trim()) {
      const stray = (['healthInterval', 'healthTimeout', 'healthRetries', 'healthStartPeriod'] as const).find((k) => f[k].trim());
      if (stray) throw new FieldError(stray, 'needs a health check command');
    }
    const checked = requests['containers.run'].args.safeParse(spec);
    if (checked.success) return { spec };
    const issue = checked.error.issues[0]!;
    const field = issueField(f, rows, issue.path);
    return field ? { error: `${fieldLabel(field)}: ${issue.message}`, field } : { error: formatIssues(checked.error) };
  } catch (e) {
    if (e instanceof FieldError) return { error: e.message, field: e.field };
    throw e;
  }
}

/** A spec as the form shows it (formToSpec's inverse): "run again" opens the dialog with it. */
export function specToForm(s: RunSpecInput): RunForm {
  const text = (v: number | undefined, f: (n: number) => string = String) => (v === undefined ? '' : f(v));
  const h = s.health;
  return {
    ...emptyForm(s.image),
    name: s.name ?? '',
    command: s.command ? shellJoin(s.command) : '',
    entrypoint: s.entrypoint ? shellJoin(s.entrypoint) : '',
    ports: (s.ports ?? []).map((p) => ({ hostIp: p.hostIp ?? '127.0.0.1', hostPort: text(p.hostPort), containerPort: String(p.containerPort), protocol: p.protocol ?? 'tcp' })),
    mounts: (s.mounts ?? []).map((m) =>
      m.type === 'tmpfs'
        ? { type: 'tmpfs', source: '', target: m.target, readOnly: false, size: text(m.sizeBytes, formatBytesFlag) }
        : { type: m.type, source: m.source ?? '', target: m.target, readOnly: m.readOnly ?? false, size: '' },
    ),
    env: (s.env ?? []).map((e) => ({ key: e.key, value: e.value })),
    labels: Object.entries(s.labels ?? {}).map(([key, value]) => ({ key, value })),
    network: s.network ?? '',
    restart: s.restart ?? 'no',
    maxRetries: text(s.maxRetries),
    autoRemove: s.autoRemove ?? false,
    interactive: s.interactive ?? false,
    tty: s.tty ?? false,
    readOnly: s.readOnly ?? false,
    init: s.init ?? false,
    cpus: text(s.cpus),
    memory: text(s.memoryBytes, formatBytesFlag),
    user: s.user ?? '',
    workdir: s.workdir ?? '',
    capAdd: (s.capAdd ?? []).join(' '),
    capDrop: (s.capDrop ?? []).join(' '),
    hostname: s.hostname ?? '',
    addHosts: (s.addHosts ?? []).map((a) => `${a.host}${a.ip.includes(':') ? '=' : ':'}${a.ip}`).join(' '),
    devices: (s.devices ?? []).map(deviceFlag).join(' '),
    privileged: s.privileged ?? false,
    pull: s.pull ?? 'missing',
    healthCmd: h?.command ?? '',
    healthInterval: text(h?.intervalMs, formatDuration),
    healthTimeout: text(h?.timeoutMs, formatDuration),
    healthRetries: text(h?.retries),
    healthStartPeriod: text(h?.startPeriodMs, formatDuration),
    noHealthcheck: s.noHealthcheck ?? false,
  };
}

/** The equivalent docker run line, or why there is none yet. */
export function commandPreview(f: RunForm): { command: string } | { error: string } {
  const r = formToSpec(f);
  return 'spec' in r ? { command: toDockerRunCommand(r.spec) } : { error: r.error };
}
