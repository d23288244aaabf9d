/**
 * What "run a container" means in Berth: the spec the Run dialog sends (validated by the router
 * with `runSpec`), plus the pure helpers both sides use: argument splitting and quoting, sizes,
 * and the equivalent `docker run` command line.
 */
import { z } from 'zod';
import { imageIdOrReference, ipAddress } from './validation';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const absPath = z.string().min(1).max(4096).regex(/^\//, 'must be an absolute path (start with /)');
const port = z.number().int().min(1, 'must be 1-65535').max(65535, 'must be 1-65535');
const capability = z.string().regex(/^(CAP_)?[A-Z_]+$|^ALL$/, 'must be a capability name such as NET_ADMIN');

export const RESTART_POLICIES = ['no', 'on-failure', 'always', 'unless-stopped'] as const;

export const portSpec = z
  .object({ hostIp: ipAddress.default('127.0.0.1'), hostPort: port.optional(), containerPort: port, protocol: z.enum(['tcp', 'udp']).default('tcp') })
  .strict();

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
    env: z.array(z.object({ key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'must be a variable name'), value: z.string().max(65536) }).strict()).max(1000).default([]),
    network: z.string().regex(NAME_RE, 'is not a valid network name').max(128).optional(),
    restart: z.enum(RESTART_POLICIES).default('no'),
    maxRetries: z.number().int().min(0).max(1000).optional(),
    autoRemove: z.boolean().default(false),
    interactive: z.boolean().default(false),
    tty: z.boolean().default(false),
    cpus: z.number().positive('must be more than 0').max(1024).optional(),
    memoryBytes: z.number().int().min(6 * 1024 * 1024, 'must be at least 6 MiB').optional(),
    user: z.string().regex(/^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/, 'must be user, uid, or user:group').max(256).optional(),
    workdir: absPath.optional(),
    labels: z.record(z.string().min(1).max(256), z.string().max(4096)).default({}),
    readOnly: z.boolean().default(false),
    capAdd: z.array(capability).max(64).default([]),
    capDrop: z.array(capability).max(64).default([]),
    init: z.boolean().default(false),
  })
  .strict()
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
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "512m", "1g", "1.5G", "1048576" -> bytes (binary units, as docker's --memory). */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)b?\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a size such as 512m or 2g`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
}

/** One argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its arguments, quoted so that `sh -c 'exit 1'` reads as typed (splitArgs' inverse). */
export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

function formatBytesFlag(n: number): string {
  for (const [unit, size] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) if (n % size === 0) return `${n / size}${unit}`;
  return String(n);
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
    if (m.type === 'tmpfs') a.push('--tmpfs', `${m.target}${m.sizeBytes ? `:size=${m.sizeBytes}` : ''}`);
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
  if (s.entrypoint?.length) a.push('--entrypoint', s.entrypoint[0]!);
  a.push(s.image);
  a.push(...(s.entrypoint?.slice(1) ?? []), ...(s.command ?? []));
  return shellJoin(a);
}
