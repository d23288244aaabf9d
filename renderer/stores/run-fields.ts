/**
 * The Run dialog's fields by name, so a refusal can be shown next to the field it is about.
 * A field is a form key (`image`, `memory`), a row's column (`ports.0.hostPort`, `mounts.2.target`,
 * `env.1.key`), or `envFile` (the picked .env file). Pure: the form in, a field (or none) out.
 */
import type { PULL_POLICIES, RESTART_POLICIES } from '../../electron/shared/run-spec';

/** The form's values as typed (strings until the spec is read from them). */
export type Restart = (typeof RESTART_POLICIES)[number];
export type PullPolicy = (typeof PULL_POLICIES)[number];
export interface PortRow {
  hostIp: string;
  hostPort: string;
  containerPort: string;
  protocol: 'tcp' | 'udp';
}
export interface MountRow {
  type: 'volume' | 'bind' | 'tmpfs';
  source: string;
  target: string;
  readOnly: boolean;
  size: string;
}
export interface KeyValueRow {
  key: string;
  value: string;
}

export interface RunForm {
  image: string;
  name: string;
  command: string;
  entrypoint: string;
  ports: PortRow[];
  mounts: MountRow[];
  env: KeyValueRow[];
  labels: KeyValueRow[];
  network: string;
  restart: Restart;
  maxRetries: string;
  autoRemove: boolean;
  interactive: boolean;
  tty: boolean;
  readOnly: boolean;
  init: boolean;
  cpus: string;
  memory: string;
  user: string;
  workdir: string;
  capAdd: string;
  capDrop: string;
  hostname: string;
  /** "db.local:10.0.0.5 gw:host-gateway" (name:ip or name=ip, as --add-host) */
  addHosts: string;
  /** "/dev/fuse /dev/snd:/dev/sound:rw" (as --device) */
  devices: string;
  privileged: boolean;
  pull: PullPolicy;
  healthCmd: string;
  healthInterval: string;
  healthTimeout: string;
  healthRetries: string;
  healthStartPeriod: string;
  noHealthcheck: boolean;
}

export type FieldId = string;

/** For each list the spec carries, which form row each spec row came from (blank rows are left out). */
export interface RowIndex {
  ports: number[];
  mounts: number[];
  env: number[];
}

const LABELS: Record<string, string> = {
  image: 'Image',
  name: 'Name',
  command: 'Command',
  entrypoint: 'Entrypoint',
  network: 'Network',
  restart: 'Restart',
  maxRetries: 'Max retries',
  cpus: 'CPUs',
  memory: 'Memory',
  user: 'User',
  workdir: 'Working directory',
  capAdd: 'Add capabilities',
  capDrop: 'Drop capabilities',
  envFile: 'Env file',
  hostname: 'Hostname',
  addHosts: 'Add hosts',
  devices: 'Devices',
  pull: 'Pull',
  healthCmd: 'Health check command',
  healthInterval: 'Health check interval',
  healthTimeout: 'Health check timeout',
  healthRetries: 'Health check retries',
  healthStartPeriod: 'Health check start period',
};
/** The spec's health check fields -> the form's. */
const HEALTH_FIELDS: Record<string, FieldId> = { command: 'healthCmd', intervalMs: 'healthInterval', timeoutMs: 'healthTimeout', retries: 'healthRetries', startPeriodMs: 'healthStartPeriod' };
const ROWS: Record<string, string> = { ports: 'Port', mounts: 'Volume', env: 'Variable', labels: 'Label' };
const COLUMNS: Record<string, string> = {
  hostIp: 'host IP',
  hostPort: 'host port',
  containerPort: 'container port',
  source: 'source',
  target: 'container path',
  size: 'size',
  key: 'name',
  value: 'value',
};

/** What the dialog calls the field: "Memory", "Port 1 host port", "Label 2 key". */
export function fieldLabel(field: FieldId): string {
  const [list = '', index, column = ''] = field.split('.');
  if (index === undefined) return LABELS[list] ?? list;
  const col = list === 'labels' && column === 'key' ? 'key' : (COLUMNS[column] ?? column);
  return `${ROWS[list] ?? list} ${Number(index) + 1} ${col}`;
}

/** A DOM id for the field's input; its message is `${id}-error`. */
export const fieldDomId = (field: FieldId) => `run-${field.replace(/\./g, '-')}`;

/** The second of two rows that publish the same host port. */
function duplicatePort(f: RunForm, rows: number[]): FieldId | undefined {
  const seen = new Set<string>();
  for (const i of rows) {
    const p = f.ports[i]!;
    if (!p.hostPort.trim()) continue;
    const key = `${p.hostIp.trim() || '127.0.0.1'}:${Number(p.hostPort)}/${p.protocol}`;
    if (seen.has(key)) return `ports.${i}.hostPort`;
    seen.add(key);
  }
  return undefined;
}

/** The second row that mounts at a container path another row already uses. */
function duplicateMount(f: RunForm, rows: number[]): FieldId | undefined {
  const seen = new Set<string>();
  for (const i of rows) {
    const target = f.mounts[i]!.target.trim().replace(/\/+$/, '') || '/';
    if (seen.has(target)) return `mounts.${i}.target`;
    seen.add(target);
  }
  return undefined;
}

/** The field a schema issue's path points at (`['ports', 0, 'hostIp']`, `['memoryBytes']`). */
export function issueField(f: RunForm, rows: RowIndex, path: readonly PropertyKey[]): FieldId | undefined {
  const [top, index, column] = path;
  if (top === 'ports' || top === 'mounts' || top === 'env') {
    if (typeof index !== 'number') return top === 'ports' ? duplicatePort(f, rows.ports) : top === 'mounts' ? duplicateMount(f, rows.mounts) : undefined;
    const row = rows[top][index];
    if (row === undefined) return undefined;
    const col =
      top === 'env' ? (column === 'value' ? 'value' : 'key') : column === 'sizeBytes' ? 'size' : typeof column === 'string' && column in COLUMNS ? column : top === 'ports' ? 'hostPort' : 'target';
    return `${top}.${row}.${col}`;
  }
  if (top === 'labels') {
    const row = f.labels.findIndex((l) => l.key.trim() === index);
    return row >= 0 ? `labels.${row}.key` : undefined;
  }
  if (top === 'memoryBytes') return 'memory';
  if (top === 'health') return (typeof index === 'string' && HEALTH_FIELDS[index]) || 'healthCmd';
  if (top === 'noHealthcheck') return 'healthCmd';
  return typeof top === 'string' && top in LABELS ? top : undefined;
}

const hostPortRow = (f: RunForm, ports: number[]) => f.ports.findIndex((p) => p.hostPort.trim() !== '' && ports.includes(Number(p.hostPort)));

/**
 * The field an engine's refusal after Run is about, from the words it uses: a host port in use,
 * a taken name, an unknown image, network, user or program, a missing bind source.
 */
export function refusalField(f: RunForm, message: string): FieldId | undefined {
  if (/container name .* is already in use/i.test(message)) return 'name';
  if (/already in use|already allocated|address in use/i.test(message)) {
    const row = hostPortRow(
      f,
      [...message.matchAll(/:(\d{1,5})\b/g)].map((m) => Number(m[1])),
    );
    if (row >= 0) return `ports.${row}.hostPort`;
  }
  if (/no such image|invalid reference format|pull access denied|repository does not exist|manifest unknown/i.test(message)) return 'image';
  if (/network \S+ not found/i.test(message)) return f.network ? 'network' : undefined;
  const source = /bind source path does not exist: (\S+)/i.exec(message)?.[1];
  if (source) {
    const row = f.mounts.findIndex((m) => m.type === 'bind' && m.source.trim() === source);
    if (row >= 0) return `mounts.${row}.source`;
  }
  if (/unable to find user|no matching entries in passwd/i.test(message)) return f.user ? 'user' : undefined;
  if (/invalid CapAdd/i.test(message)) return 'capAdd';
  if (/invalid CapDrop/i.test(message)) return 'capDrop';
  if (/error gathering device information|no such file or directory.*\/dev\//i.test(message)) return f.devices.trim() ? 'devices' : undefined;
  if (/executable file not found/i.test(message)) return f.entrypoint.trim() ? 'entrypoint' : f.command.trim() ? 'command' : undefined;
  return undefined;
}

/** What to do about a refusal at this field (it wins over the engine's hint: written for this form). */
const FIELD_HINTS: Record<string, string> = {
  name: 'Choose another name, or leave it empty to get a generated one.',
  image: 'Check the image name, or pull it first (Images → Pull); with the pull policy "never", Run does not pull it.',
  network: 'Pick a network from the list; it may have been removed.',
  user: 'Use a user that exists in the image, or leave it empty for the image default.',
  command: 'The program must exist in the image; check its name.',
  entrypoint: 'The program must exist in the image; check its name.',
  ports: 'Choose another host port, or leave it empty to let the engine pick a free one.',
  mounts: 'Fix the host path, or create the folder first.',
  devices: 'Name a device that exists on the engine’s host (for the Berth VM, inside the VM).',
};

export function fieldHint(field: FieldId): string | undefined {
  return FIELD_HINTS[field.split('.')[0]!];
}
