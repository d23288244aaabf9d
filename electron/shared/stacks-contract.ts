/**
 * The stacks part of the API (spread into api-contract's requests and streams): list, one stack's
 * services with their tasks, deploy (and redeploy) from compose files on this machine, remove.
 */
import { z } from 'zod';
import type { StackDetail, StackSummary } from './models/stacks';

const request =
  <R>() =>
  <A extends z.ZodType>(args: A) => ({ args, result: undefined as unknown as R });
const stream =
  <C>() =>
  <A extends z.ZodType>(args: A) => ({ args, input: z.never(), chunk: undefined as unknown as C });

/**
 * A stack name: what its objects are named from (<stack>_<service>), by Compose's project rule,
 * short enough to leave room for a service name in the engine's 63 characters.
 */
export const stackName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must use lowercase letters, digits, "-" and "_", starting with a letter or digit');

/** A compose file on this machine: absolute, or starting at the home folder (~). */
const stackFile = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => /^(\/|~(\/|$))/.test(p), 'must be an absolute path (or start with ~/)')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');

export const stackRequests = {
  /** The swarm's stacks (what carries a com.docker.stack.namespace label), with tasks running of wanted. */
  'stacks.list': request<StackSummary[]>()(z.object({}).strict()),
  /** One stack: its services with their tasks, its networks, secrets and configs. */
  'stacks.get': request<StackDetail>()(z.object({ name: stackName }).strict()),
} as const;

export const stackStreams = {
  /**
   * `docker stack deploy` of compose files in order (a redeploy updates the stack), checked first
   * with `docker stack config`; streams the CLI's lines, then the services' progress until they
   * run. A failed deploy takes back what it made.
   */
  'stacks.deploy': stream<string>()(
    z
      .object({
        name: stackName,
        files: z.array(stackFile).min(1, 'must name a compose file').max(16),
        /** Remove the stack's services the files no longer have (--prune). */
        prune: z.boolean().default(false),
      })
      .strict(),
  ),
  /** `docker stack rm`, then waits until its services, tasks, networks, secrets and configs are gone. */
  'stacks.remove': stream<string>()(z.object({ name: stackName }).strict()),
} as const;
