/**
 * What "run a container" means in Berth: the spec the Run dialog sends (validated by the router
 * with `runSpec`), plus the pure helpers both sides use: argument splitting and quoting, sizes,
 * and the equivalent `docker run` command line.
 */
import { z } from 'zod';
import { imageIdOrReference, ipAddress } from './validation';
import { BerthError } from './errors';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const absPath = z.string().min(1).max(4096).regex(/^\//, 'must be an absolute path (start with /)');
const port = z.number().int().min(1, 'must be 1-65535').max(65535, 'must be 1-65535');
const capability = z.string().regex(/^(CAP_)?[A-Z_]+$|^ALL$/, 'must be a capability name such as NET_ADMIN');

/** --user: a name or uid, with a group or gid after a colon. */
export const userSpec = z
  .string()
  .regex(/^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/, 'must be user, uid, or user:group')
  .max(256);

export const RESTART_POLICIES = ['no', 'on-failure', 'always', 'unless-stopped'] as const;
/** docker run --pull: missing (the default) pulls when the engine lacks the image. */
export const PULL_POLICIES = ['missing', 'always', 'never'] as const;
/** The networks that are modes, not networks: no ports to publish, and (host) no hostname of its own. */
export const HOST_NETWORK = 'host';
export const NO_NETWORK = 'none';

/** A health check's durations, in ms: the engine takes 1 ms at least; a day at most is plenty. */
const duration = z.number().int().min(1, 'must be at least 1ms').max(86_400_000, 'must be at most a day');
/** RFC 1123 names; a hostname is at most 64 bytes (the kernel's __NEW_UTS_LEN). */
const hostName = z
  .string()
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be letters, digits, "-" and "." (starting and ending with a letter or digit)');
const hostEntryName = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/, 'must be a host name such as db.local');
/** A device path: absolute, and no ":" (it parts host, container and permissions in --device). */
const devicePath = absPath.refine((p) => !p.includes(':'), 'must not hold a ":"');
/** The engine's magic address for the host it runs on (docker run --add-host x:host-gateway). */
export const HOST_GATEWAY = 'host-gateway';

export const portSpec = z.object({ hostIp: ipAddress.default('127.0.0.1'), hostPort: port.optional(), containerPort: port, protocol: z.enum(['tcp', 'udp']).default('tcp') }).strict();

export const mountSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('volume'), source: z.string().regex(NAME_RE, 'must be a volume name').max(128).optional(), target: absPath, readOnly: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal('bind'), source: absPath, target: absPath, readOnly: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal('tmpfs'), target: absPath, sizeBytes: z.number().int().positive().optional() }).strict(),
]);

export const runSpec = z
  .object({
    image: z.string().min(1, 'is required').pipe(imageIdOrReference),
    name: z.string().max(128).regex(NAME_RE, 'must start with a letter or digit and use only letters, digits, "_", "." and "-"').optional(),
    command: z.array(z.string().max(65536)).max(1024).optional(),
    entrypoint: z.array(z.string().max(65536)).max(1024).optional(),
    ports: z.array(portSpec).max(200).default([]),
    mounts: z.array(mountSpec).max(100).default([]),
    env: z
      .array(z.object({ key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'must be a variable name'), value: z.string().max(65536) }).strict())
      .max(1000)
      .default([]),
    network: z.string().regex(NAME_RE, 'is not a valid network name').max(128).optional(),
    restart: z.enum(RESTART_POLICIES).default('no'),
    maxRetries: z.number().int().min(0).max(1000).optional(),
    autoRemove: z.boolean().default(false),
    interactive: z.boolean().default(false),
    tty: z.boolean().default(false),
    cpus: z.number().positive('must be more than 0').max(1024).optional(),
    memoryBytes: z
      .number()
      .int()
      .min(6 * 1024 * 1024, 'must be at least 6 MiB')
      .optional(),
    user: userSpec.optional(),
    workdir: absPath.optional(),
    labels: z.record(z.string().min(1).max(256), z.string().max(4096)).default({}),
    readOnly: z.boolean().default(false),
    capAdd: z.array(capability).max(64).default([]),
    capDrop: z.array(capability).max(64).default([]),
    init: z.boolean().default(false),
    hostname: hostName.optional(),
    addHosts: z
      .array(z.object({ host: hostEntryName, ip: z.union([z.literal(HOST_GATEWAY), ipAddress]) }).strict())
      .max(100)
      .default([]),
    privileged: z.boolean().default(false),
    devices: z
      .array(
        z
          .object({
            host: devicePath,
            container: devicePath.optional(),
            permissions: z
              .string()
              .regex(/^(?!.*(.).*\1)[rwm]{1,3}$/, 'must be some of r, w and m')
              .optional(),
          })
          .strict(),
      )
      .max(100)
      .default([]),
    pull: z.enum(PULL_POLICIES).default('missing'),
    /** Shell form, as --health-cmd; unset durations and retries are the engine's defaults. */
    health: z
      .object({
        command: z.string().trim().min(1, 'is required').max(65536),
        intervalMs: duration.optional(),
        timeoutMs: duration.optional(),
        startPeriodMs: duration.optional(),
        retries: z.number().int().min(1, 'must be at least 1').max(1000).optional(),
      })
      .strict()
      .optional(),
    noHealthcheck: z.boolean().default(false),
  })
  .strict()
  .refine((s) => !(s.health && s.noHealthcheck), { message: 'a health check cannot be both set and disabled', path: ['noHealthcheck'] })
  .refine((s) => !(s.ports.length && (s.network === HOST_NETWORK || s.network === NO_NETWORK)), {
    message: 'publishes no ports with network host or none (with host, the container uses this host’s ports directly)',
    path: ['network'],
  })
  .refine((s) => !(s.hostname && s.network === HOST_NETWORK), { message: 'with network host, the container has the host’s hostname', path: ['hostname'] })
  .refine((s) => !(s.autoRemove && s.restart !== 'no'), { message: '--rm cannot be combined with a restart policy', path: ['restart'] })
  .refine((s) => s.maxRetries === undefined || s.restart === 'on-failure', { message: 'max retries needs the on-failure policy', path: ['maxRetries'] })
  .refine((s) => new Set(s.ports.filter((p) => p.hostPort).map((p) => `${p.hostIp}:${p.hostPort}/${p.protocol}`)).size === s.ports.filter((p) => p.hostPort).length, {
    message: 'the same host port is published twice',
    path: ['ports'],
  })
  // The engine refuses this too, but only after it made the anonymous volumes: refuse it first.
  .refine((s) => new Set(s.mounts.map((m) => m.target.replace(/\/+$/, '') || '/')).size === s.mounts.length, { message: 'two mounts share a container path', path: ['mounts'] });

export type RunSpecInput = z.input<typeof runSpec>;
export type RunSpec = z.output<typeof runSpec>;

/** Splits a command line the way a POSIX shell splits words (quotes and backslashes; no expansion). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new BerthError('INVALID_ARGUMENT', `unclosed ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "512m", "1g", "1.5G", "1048576" -> bytes (binary units, as docker's --memory). */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)b?\s*$/i.exec(text);
  if (!m) throw new BerthError('INVALID_ARGUMENT', `"${text}" is not a size such as 512m or 2g`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "5s", "1m30s", "500ms", ".5s", "2h", or a bare number of seconds -> ms (docker's --health-* durations, as Go reads them). */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(t)) return Math.round(Number(t) * 1000);
  const parts = [...t.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h)/gy)];
  if (!t || parts.map((p) => p[0]).join('') !== t) throw new BerthError('INVALID_ARGUMENT', `"${text}" is not a duration such as 5s, 1m30s or 500ms`);
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0));
}

/** ms -> the Go duration docker's CLI reads: 90000 -> "1m30s", 500 -> "500ms". */
export function formatDuration(ms: number): string {
  if (ms % 1000) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  s %= 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/** One argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its arguments, quoted so that `sh -c 'exit 1'` reads as typed (splitArgs' inverse). */
export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/** Bytes -> docker's flag form: 536870912 -> "512m". */
export function formatBytesFlag(n: number): string {
  for (const [unit, size] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const)
    if (n % size === 0) return `${n / size}${unit}`;
  return String(n);
}

/** A device as --device takes it: host[:container[:permissions]] (the container path written out when permissions follow). */
export function deviceFlag(d: { host: string; container?: string; permissions?: string }): string {
  return [d.host, ...(d.container || d.permissions ? [d.container ?? d.host] : []), ...(d.permissions ? [d.permissions] : [])].join(':');
}

/** The `docker run` command line that does what the spec does. */
export function toDockerRunCommand(s: RunSpecInput): string {
  const a: string[] = ['docker', 'run', '-d'];
  if (s.autoRemove) a.push('--rm');
  if (s.interactive && s.tty) a.push('-it');
  else if (s.interactive) a.push('-i');
  else if (s.tty) a.push('-t');
  if (s.name) a.push('--name', s.name);
  for (const p of s.ports ?? []) {
    const ip = p.hostIp ?? '127.0.0.1';
    const hostIp = ip.includes(':') ? `[${ip}]` : ip; // docker run -p [::1]:8080:80
    const host = `${hostIp}:${p.hostPort ?? ''}:`;
    a.push('-p', `${host}${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`);
  }
  for (const m of s.mounts ?? []) {
    if (m.type === 'tmpfs') a.push('--tmpfs', `${m.target}${m.sizeBytes ? `:size=${formatBytesFlag(m.sizeBytes)}` : ''}`);
    else if (`${m.source ?? ''}${m.target}`.includes(':'))
      a.push('--mount', `type=${m.type},${m.source ? `source=${m.source},` : ''}target=${m.target}${m.readOnly ? ',readonly' : ''}`); // -v would read the ":" as its separator
    else if (m.type === 'volume' && !m.source) a.push('-v', `${m.target}${m.readOnly ? ':ro' : ''}`);
    else a.push('-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`);
  }
  for (const e of s.env ?? []) a.push('-e', `${e.key}=${e.value}`);
  if (s.network) a.push('--network', s.network);
  if (s.restart && s.restart !== 'no') a.push('--restart', s.restart === 'on-failure' && s.maxRetries !== undefined ? `on-failure:${s.maxRetries}` : s.restart);
  if (s.cpus !== undefined) a.push('--cpus', String(s.cpus));
  if (s.memoryBytes !== undefined) a.push('--memory', formatBytesFlag(s.memoryBytes));
  if (s.user) a.push('--user', s.user);
  if (s.workdir) a.push('--workdir', s.workdir);
  for (const [k, v] of Object.entries(s.labels ?? {})) a.push('--label', `${k}=${v}`);
  if (s.readOnly) a.push('--read-only');
  for (const c of s.capAdd ?? []) a.push('--cap-add', c);
  for (const c of s.capDrop ?? []) a.push('--cap-drop', c);
  if (s.init) a.push('--init');
  if (s.hostname) a.push('--hostname', s.hostname);
  for (const h of s.addHosts ?? []) a.push('--add-host', `${h.host}:${h.ip}`);
  if (s.privileged) a.push('--privileged');
  for (const d of s.devices ?? []) a.push('--device', deviceFlag(d));
  if (s.pull && s.pull !== 'missing') a.push(`--pull=${s.pull}`);
  if (s.health) {
    a.push('--health-cmd', s.health.command);
    if (s.health.intervalMs) a.push('--health-interval', formatDuration(s.health.intervalMs));
    if (s.health.timeoutMs) a.push('--health-timeout', formatDuration(s.health.timeoutMs));
    if (s.health.retries) a.push('--health-retries', String(s.health.retries));
    if (s.health.startPeriodMs) a.push('--health-start-period', formatDuration(s.health.startPeriodMs));
  }
  if (s.noHealthcheck) a.push('--no-healthcheck');
  if (s.entrypoint?.length) a.push('--entrypoint', s.entrypoint[0]!);
  a.push(s.image);
  a.push(...(s.entrypoint?.slice(1) ?? []), ...(s.command ?? []));
  return shellJoin(a);
}
