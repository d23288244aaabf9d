/**
 * An ssh:// host resolved as OpenSSH resolves it. `ssh -G` is asked when the OpenSSH client is
 * installed: it alone applies every Host, Match and Include rule of ~/.ssh/config (and the system
 * file) the way `ssh` itself would, so `ssh://alias` means here what it means in a terminal. Without
 * it, a small reader of ~/.ssh/config takes Host blocks (exact names and * ? patterns) with HostName,
 * User, Port, IdentityFile, ProxyJump, ProxyCommand, ConnectTimeout and UserKnownHostsFile; Match and
 * Include are not read there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../../shared/errors';

export interface ResolvedSshHost {
  user: string;
  /** The address to connect to (the config's HostName). */
  hostname: string;
  port: number;
  /** Key files to try after the agent, in order (only those that exist). */
  identityFiles: string[];
  /** The jump hosts as written ("bastion", "me@jump:2222,ssh://b"), or none ("none" is none). */
  proxyJump?: string;
  /** A ProxyCommand, which Berth does not run (said in words). */
  proxyCommand?: string;
  /** ConnectTimeout in seconds, if set. */
  connectTimeout?: number;
  /** Where host keys are looked up and a trusted one is written (the first). */
  knownHostsFiles: string[];
  /** The name host keys are filed under (HostKeyAlias, else the hostname). */
  hostKeyAlias: string;
}

export interface ResolveOptions {
  home: string;
  /** An ssh config file in place of ~/.ssh/config (ssh -F); BERTH_SSH_CONFIG. */
  configFile?: string;
  /** The ssh client to ask; undefined: none, the small reader is used. */
  sshBinary?: string;
}

const DEFAULT_KEYS = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'];

/** `ssh -G` output (one "key value" a line; identityfile and friends may repeat) parsed. */
export function parseSshG(output: string, home: string): ResolvedSshHost {
  const values = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    values.set(key, [...(values.get(key) ?? []), m[2]!]);
  }
  const one = (k: string) => values.get(k)?.[0];
  const hostname = one('hostname') ?? '';
  const port = Number(one('port') ?? 22);
  const jump = one('proxyjump');
  const alias = one('hostkeyalias');
  const command = one('proxycommand');
  const timeout = Number(one('connecttimeout'));
  return {
    user: one('user') ?? userInfo().username,
    hostname,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
    identityFiles: (values.get('identityfile') ?? []).map((f) => expandHome(f, home)),
    ...(jump && jump !== 'none' ? { proxyJump: jump } : {}),
    ...(command && command !== 'none' ? { proxyCommand: command } : {}),
    ...(Number.isInteger(timeout) && timeout > 0 ? { connectTimeout: timeout } : {}),
    knownHostsFiles: (one('userknownhostsfile') ?? '~/.ssh/known_hosts')
      .split(/\s+/)
      .filter(Boolean)
      .map((f) => expandHome(f, home)),
    hostKeyAlias: alias && alias !== 'none' ? alias : hostname,
  };
}

export function expandHome(file: string, home: string): string {
  return file === '~' ? home : file.startsWith('~/') ? join(home, file.slice(2)) : file;
}

/** OpenSSH's Host patterns: * and ?, a leading ! negates. */
function hostMatches(patterns: string[], host: string): boolean {
  let hit = false;
  for (const p of patterns) {
    const neg = p.startsWith('!');
    const re = new RegExp(
      `^${(neg ? p.slice(1) : p)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    if (re.test(host)) {
      if (neg) return false;
      hit = true;
    }
  }
  return hit;
}

/** The small reader: first value wins, as in OpenSSH (IdentityFile adds up). Output in `ssh -G` form. */
export function readSshConfig(text: string, host: string): string {
  const out: string[] = [];
  const seen = new Set<string>();
  let active = true;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.+)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') active = hostMatches(value.split(/\s+/), host);
    else if (key === 'match')
      active = false; // not read here: `ssh -G` does
    else if (active && (key === 'identityfile' || !seen.has(key))) {
      seen.add(key);
      out.push(`${key} ${value.replace(/%h/g, host)}`);
    }
  }
  if (!seen.has('hostname')) out.push(`hostname ${host}`);
  return out.join('\n');
}

/**
 * Resolves `host` (user and port from the URL win over the config, as `ssh -l -p` do). Throws the
 * client's own words when `ssh -G` refuses (a bad config line).
 */
export function resolveSshHost(host: string, fromUrl: { user?: string; port?: number }, opts: ResolveOptions): ResolvedSshHost {
  let resolved: ResolvedSshHost;
  if (opts.sshBinary) {
    const args = ['-G', ...(opts.configFile ? ['-F', opts.configFile] : []), ...(fromUrl.user ? ['-l', fromUrl.user] : []), ...(fromUrl.port ? ['-p', String(fromUrl.port)] : []), '--', host];
    const r = spawnSync(opts.sshBinary, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0)
      throw new BerthError('ENGINE_UNREACHABLE', `ssh -G ${host} failed: ${(r.stderr || r.error?.message || '').trim()}`, { hint: 'Fix your ssh config (ssh -G shows what ssh reads).' });
    resolved = parseSshG(r.stdout, opts.home);
  } else {
    const file = opts.configFile ?? join(opts.home, '.ssh', 'config');
    resolved = parseSshG(readSshConfig(existsSync(file) ? readFileSync(file, 'utf8') : '', host), opts.home);
    if (!resolved.identityFiles.length) resolved.identityFiles = DEFAULT_KEYS.map((k) => join(opts.home, '.ssh', k));
    if (fromUrl.user) resolved.user = fromUrl.user;
    if (fromUrl.port) resolved.port = fromUrl.port;
  }
  resolved.identityFiles = resolved.identityFiles.filter((f) => existsSync(f));
  return resolved;
}

/** The OpenSSH client on PATH, if any. */
export function findSsh(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(':')) {
    const f = join(dir || '.', 'ssh');
    if (dir && existsSync(f)) return f;
  }
  return undefined;
}
