/**
 * The API calls of swarm secrets, configs and overlay networks (spread into api-contract's
 * `requests`). A secret's value goes one way only: in with `secrets.create`, never out again.
 */
import { z } from 'zod';
import type { OverlayNetwork, SwarmData } from './models';

/** The engine's limits (swarmkit): a secret's data is under 500 KiB, a config's under 1000 KiB. */
export const SWARM_DATA_MAX_BYTES = { secret: 500 * 1024, config: 1000 * 1024 } as const;

const request =
  <R>() =>
  <A extends z.ZodType>(args: A) => ({ args, result: undefined as unknown as R });

/** The engine's rule for a secret's, config's or network's name (swarmkit): 64 characters at most, letters and digits at both ends. */
export const SWARM_NAME_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9])?$/;
const swarmName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(SWARM_NAME_RE, 'must be letters, digits, "_", "." or "-", starting and ending with a letter or digit');
const ref = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'is not a valid id or name');
const kind = z.enum(['secret', 'config']);
/** A file on the machine Berth runs on: absolute, or from the home folder (~/...). */
const hostPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => /^(\/|~(\/|$)|[A-Za-z]:[\\/])/.test(p), 'must be an absolute path (or start with ~/)')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');
/** Where a task sees it: a file name (under /run/secrets for a secret) or an absolute path. */
const target = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.includes('\0') && !/[\r\n]/.test(p), 'must be one line without NUL')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".."');
const labels = z.record(z.string().min(1).max(256), z.string().max(4096));

export const swarmSecretRequests = {
  /** Secrets and configs of the swarm, with the services that use each; no value, ever. */
  'secrets.list': request<SwarmData[]>()(z.object({}).strict()),
  /** Made from typed text (`value`) or a file on this machine (`file`); the value is never sent back. */
  'secrets.create': request<SwarmData>()(
    z
      .object({
        kind,
        name: swarmName,
        // Past the engine's limit the service says so in bytes; this only bounds what is read.
        value: z.string().max(2_000_000).optional(),
        file: hostPath.optional(),
        labels: labels.default({}),
      })
      .strict()
      .refine((a) => (a.value === undefined) !== (a.file === undefined), 'give either a value or a file, not both'),
  ),
  /** Mounts it in a service's tasks (a rolling update of the service): at `target`, or /run/secrets/<name> for a secret. */
  'secrets.attach': request<SwarmData>()(z.object({ kind, name: ref, service: ref, target: target.optional() }).strict()),
  'secrets.detach': request<SwarmData>()(z.object({ kind, name: ref, service: ref }).strict()),
  /** Refused, naming the services, while one uses it. */
  'secrets.remove': request<void>()(z.object({ kind, name: ref }).strict()),

  'overlays.list': request<OverlayNetwork[]>()(z.object({}).strict()),
  'overlays.create': request<OverlayNetwork>()(
    z
      .object({
        name: swarmName,
        attachable: z.boolean().default(false),
        encrypted: z.boolean().default(false),
        subnet: z.string().max(64).optional(),
      })
      .strict(),
  ),
  /** Refused, naming the services, while one uses it. */
  'overlays.remove': request<void>()(z.object({ name: ref }).strict()),
} as const;
