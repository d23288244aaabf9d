/**
 * ProxyJump as OpenSSH reads it: "[user@]host[:port]" or "ssh://[user@]host[:port]", several
 * comma-separated (visited in order), "none" for none. `ssh -J a,b,c target` runs `ssh -J a,b -W
 * target c`, so each hop is resolved with its own `ssh -G` (its HostName, User, Port, keys and
 * known_hosts) with the user and port written in the ProxyJump winning, and only the FIRST hop's own
 * ProxyJump is followed (the later hops' are overridden by the -J). A chain that comes back to a
 * hop it is already expanding (a loop, OpenSSH would spawn ssh without end) and a chain longer
 * than MAX_HOPS are refused in words before anything connects. Only the first hop may have a
 * ProxyCommand (it is run to reach it).
 */
import { BerthError } from '../../shared/errors';
import type { ResolvedSshHost } from './ssh-resolve';

export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
  /** As it was written in the ProxyJump. */
  written: string;
}

export const MAX_HOPS = 16;

const bad = (value: string, why: string) =>
  new BerthError('ENGINE_UNREACHABLE', `The ProxyJump "${value}" cannot be read: ${why}.`, {
    hint: 'Write it as ssh does: [user@]host[:port] or ssh://[user@]host[:port], several separated by commas.',
  });

/** One ProxyJump value's hops, in order. */
export function parseProxyJump(value: string): JumpSpec[] {
  return value.split(',').map((raw) => {
    const written = raw.trim();
    let rest = written.startsWith('ssh://') ? written.slice('ssh://'.length).replace(/\/$/, '') : written;
    let user: string | undefined;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.slice(0, at);
      rest = rest.slice(at + 1);
      if (!user) throw bad(value, `"${written}" has an empty user`);
    }
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(rest);
    if (!m) throw bad(value, written ? `"${written}" is not a host` : 'a hop is empty');
    const host = m[1] ?? m[2]!;
    const port = m[3] === undefined ? undefined : Number(m[3]);
    if (port !== undefined && !(port > 0 && port < 65536)) throw bad(value, `${m[3]} is not a port`);
    if (host.startsWith('-') || /[\s\0-\x1f'"\\`$;&|<>]/.test(host) || (user && /[\s\0-\x1f:/]/.test(user))) throw bad(value, `"${written}" is not a host`);
    return { ...(user ? { user } : {}), host, ...(port ? { port } : {}), written };
  });
}

export interface ResolvedHop {
  spec: JumpSpec;
  host: ResolvedSshHost;
}

const identity = (h: ResolvedSshHost) => `${h.user}@${h.hostname}:${h.port}`;

/**
 * The jump hosts before `target` (resolved as `ssh` resolves it), first to last. `resolve` is
 * `ssh -G` for one hop. Throws in words on a loop, a chain too long, a ProxyCommand on the way.
 */
export function jumpChain(target: ResolvedSshHost, targetName: string, resolve: (spec: JumpSpec) => ResolvedSshHost): ResolvedHop[] {
  const expand = (host: ResolvedSshHost, stack: string[], names: string[]): ResolvedHop[] => {
    if (!host.proxyJump) return [];
    const [first, ...rest] = parseProxyJump(host.proxyJump);
    // The hops being expanded (the stack but the target), this one and the rest: at least that many.
    if (stack.length + rest.length > MAX_HOPS) throw tooLong(targetName);
    const firstHost = resolve(first!);
    const id = identity(firstHost);
    if (stack.includes(id))
      throw new BerthError('ENGINE_UNREACHABLE', `The ProxyJump of ${targetName} loops: ${[...names, first!.written].join(' -> ')} (${id} again).`, {
        hint: 'Set "ProxyJump none" in the jump host\'s own Host block (a "Host *" ProxyJump applies to the jump host too).',
      });
    const before = expand(firstHost, [...stack, id], [...names, first!.written]);
    const chain = [...before, { spec: first!, host: firstHost }];
    for (const spec of rest) chain.push({ spec, host: resolve(spec) });
    return chain;
  };
  const chain = expand(target, [identity(target)], [targetName]);
  if (chain.length > MAX_HOPS) throw tooLong(targetName);
  // The first hop's ProxyCommand is how it is reached (ssh-proxy-command.ts); a later hop is reached
  // through the one before it, and OpenSSH refuses a ProxyCommand beside the ProxyJump there too.
  const withCommand = [...chain.map((h) => ({ name: h.spec.written, host: h.host })), { name: targetName, host: target }].slice(1).find((h) => h.host.proxyCommand);
  if (withCommand)
    throw new BerthError('ENGINE_UNREACHABLE', `${withCommand.name} has a ProxyCommand (${withCommand.host.proxyCommand}) and is reached through a jump host: ssh refuses both.`, {
      hint: 'Keep one of ProxyJump and ProxyCommand for it (ssh -G shows what ssh reads).',
    });
  return chain;
}

const tooLong = (name: string) =>
  new BerthError('ENGINE_UNREACHABLE', `The ProxyJump chain to ${name} has more than ${MAX_HOPS} jump hosts: Berth does not follow it.`, {
    hint: 'Shorten the chain in your ssh config (ssh -G shows what ssh reads).',
  });
