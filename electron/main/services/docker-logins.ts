/**
 * Registry logins shared with the docker CLI, kept where it keeps them: its config.json
 * (DOCKER_CONFIG, else ~/.docker) names a credential helper per registry (`credHelpers`), else one
 * for all (`credsStore`), else the login is in `auths` itself, `auth` being base64 of
 * "user:password" (unencrypted: the CLI warns so, and so does Berth). Keys are as the CLI makes
 * them: `https://index.docker.io/v1/` for Docker Hub, host[:port] for any other registry; an
 * `auths` key written another way (`https://reg/v2/`) is found by its host, as the CLI does.
 *
 * A config.json that is not a JSON object is never written over: a login or logout is refused in
 * words naming the file, and reads find no login in it (the CLI too goes on without it). A write
 * changes only the `auths` member in the file's text (one atomic rename; a symlink's target is
 * written), so every other key stays as it was.
 */
import { BerthError } from '../../shared/errors';
import { normaliseServer } from '../../shared/image-ref';
import type { LoginStore } from '../../shared/models';
import { writeFileAtomic } from '../data-lock';
import { dockerConfigFile } from '../engine/docker-config';
import { readDockerConfig, withMember, type ConfigRead } from './docker-config-file';
import { CredentialHelper } from './credential-helper';
import { findOnPath } from '../vm/which';

/** What the engine's X-Registry-Auth carries: a username and password, or an identity token. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

type AuthEntry = { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown } & Record<string, unknown>;

/** The docker CLI's key for a registry: Docker Hub's is its old index URL. */
export const configKey = (server: string) => (normaliseServer(server) === 'docker.io' ? 'https://index.docker.io/v1/' : normaliseServer(server));

/** The identity token a helper keeps goes under this username (the CLI's tokenUsername). */
const TOKEN_USERNAME = '<token>';

export class DockerLogins {
  /** Warnings already logged, so each is said once per process. */
  private readonly warned = new Set<string>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get file(): string {
    return dockerConfigFile(this.env);
  }

  private warn(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    console.warn(`[berth] ${text}`);
  }

  /** The config as it is for a read: one Berth may not use gives no logins, said once in the log. */
  private async readForLookup(): Promise<ConfigRead | undefined> {
    try {
      return await readDockerConfig(this.file);
    } catch (e) {
      this.warn(`${(e as Error).message} Berth uses no registry login from it.`);
      return undefined;
    }
  }

  /** Where a login for `server` is kept by this config: its helper, or the file itself. */
  private storeOf(read: ConfigRead, server: string): { helper?: CredentialHelper; store: LoginStore; detected?: string } {
    const helpers = read.json.credHelpers;
    const host = normaliseServer(server);
    const perRegistry =
      helpers && typeof helpers === 'object' ? Object.entries(helpers as Record<string, unknown>).find(([k, v]) => typeof v === 'string' && v && normaliseServer(k) === host) : undefined;
    const named = perRegistry ? (perRegistry[1] as string) : typeof read.json.credsStore === 'string' && read.json.credsStore ? read.json.credsStore : undefined;
    const detected = named || containsAuth(read) ? undefined : defaultStore(this.env);
    const name = named ?? detected;
    if (!name) return { store: { kind: 'config', file: read.file } };
    const source = detected
      ? `the docker CLI's default store: ${read.file} names none yet, and docker-credential-${detected} is installed`
      : `${perRegistry ? `credHelpers["${perRegistry[0]}"]` : 'credsStore'} in ${read.file}`;
    return {
      helper: new CredentialHelper(name, source, this.env),
      store: { kind: 'helper', helper: `docker-credential-${name}`, file: read.file, ...(detected ? { picked: true as const } : {}) },
      detected,
    };
  }

  /** Where a new login for `server` would go (its credHelpers entry, else credsStore, else the file): what the login dialog says. */
  async target(server = ''): Promise<LoginStore> {
    const read = await this.readForLookup();
    return read ? this.storeOf(read, server).store : { kind: 'config', file: this.file };
  }

  /** The engine's auth for `server` from the docker config, when it has one. A helper that is missing or fails is said (BerthError). */
  async auth(server: string): Promise<RegistryAuth | undefined> {
    const read = await this.readForLookup();
    if (!read) return undefined;
    const key = configKey(server);
    const { helper, detected } = this.storeOf(read, server);
    if (helper) {
      // A store the CLI would pick by itself that cannot be read (secretservice with no D-Bus
      // session, on a server) costs only its logins: the pull goes on without one, said once.
      const c = await helper.get(key).catch((e: unknown) => {
        if (!detected) throw e;
        this.warn(`${(e as Error).message} Berth goes on without a login from it.`);
        return undefined;
      });
      if (!c) return undefined;
      return c.username === TOKEN_USERNAME ? { identitytoken: c.secret, serveraddress: key } : { username: c.username, password: c.secret, serveraddress: key };
    }
    const entry = findEntry(read, server)?.[1];
    return entry ? entryAuth(entry, key) : undefined;
  }

  /** Every login the config knows, with where it is kept (no secret). */
  async list(): Promise<{ server: string; username: string; store: LoginStore }[]> {
    const read = await this.readForLookup();
    if (!read) return [];
    const found = new Map<string, { server: string; username: string; store: LoginStore }>();
    for (const [key, entry] of Object.entries(auths(read))) {
      const server = normaliseServer(key);
      const a = entryAuth(entry, key);
      if (a && !this.storeOf(read, server).helper) found.set(server, { server, username: a.username ?? TOKEN_USERNAME, store: { kind: 'config', file: read.file } });
    }
    // A helper that fails (missing, logged out, offline) costs only its own logins, as with the docker CLI: the rest are listed.
    const skip = (e: unknown) => console.warn(`berth: a docker credential helper could not be read: ${(e as Error).message}`);
    const general = this.storeOf(read, '');
    if (general.helper) {
      const listed = await general.helper.list().catch((e: unknown) => (skip(e), {}));
      for (const [key, username] of Object.entries(listed)) {
        const server = normaliseServer(key);
        if (this.storeOf(read, server).helper?.name === general.helper.name) found.set(server, { server, username, store: general.store });
      }
    }
    const perRegistry = read.json.credHelpers && typeof read.json.credHelpers === 'object' ? Object.keys(read.json.credHelpers) : [];
    for (const key of perRegistry) {
      const server = normaliseServer(key);
      const { helper, store } = this.storeOf(read, server);
      const c = await helper?.get(configKey(server)).catch((e: unknown) => void skip(e));
      if (c) found.set(server, { server, username: c.username, store });
    }
    return [...found.values()].sort((a, b) => a.server.localeCompare(b.server));
  }

  /** Keeps a login as `docker login` would; resolves to where it went. Refuses (BerthError) a config it may not write. */
  async save(server: string, username: string, password: string): Promise<LoginStore> {
    const read = await readDockerConfig(this.file, 'log in again');
    const key = configKey(server);
    const { helper, store, detected } = this.storeOf(read, server);
    const others = (r: ConfigRead) => Object.fromEntries(Object.entries(auths(r)).filter(([k]) => normaliseServer(k) !== normaliseServer(server)));
    if (helper) {
      await helper.store(key, username, password);
      // Read again: the helper may take a while (a passphrase), and the CLI may have written meanwhile.
      const now = await readDockerConfig(this.file, 'log in again');
      // As the CLI does: a name without secrets, any old unencrypted entry gone; a store it picked by
      // itself is written down, so the next read (Berth's or the CLI's) keeps using it.
      await this.write(now, { ...others(now), [key]: {} }, detected && !now.json.credsStore ? detected : undefined);
    } else {
      await this.write(read, { ...others(read), [key]: { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') } });
    }
    return store;
  }

  /** Forgets the login for `server` in its helper and in `auths`; false when the config had none. */
  async remove(server: string): Promise<boolean> {
    let read = await readDockerConfig(this.file, 'log out again');
    const key = configKey(server);
    const { helper } = this.storeOf(read, server);
    let had = false;
    if (helper && (await helper.get(key))) {
      await helper.erase(key);
      had = true;
      read = await readDockerConfig(this.file, 'log out again'); // again: the CLI may have written while the helper worked
    }
    const all = auths(read);
    const rest = Object.fromEntries(Object.entries(all).filter(([k]) => normaliseServer(k) !== normaliseServer(server)));
    if (Object.keys(rest).length < Object.keys(all).length) {
      had ||= Object.entries(all).some(([k, e]) => normaliseServer(k) === normaliseServer(server) && entryAuth(e, k) !== undefined);
      await this.write(read, rest);
    }
    return had;
  }

  private async write(read: ConfigRead, next: Record<string, AuthEntry>, credsStore?: string): Promise<void> {
    try {
      const text = withMember(read.text, 'auths', next);
      await writeFileAtomic(read.file, credsStore ? withMember(text, 'credsStore', credsStore) : text, read.mode ?? 0o600);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new BerthError('COMMAND_FAILED', `Berth could not write the docker CLI's config file ${read.file} (${err.code ?? err.message}).`, {
        hint: `Check that ${read.file} and its folder belong to you and can be written, then try again.`,
      });
    }
  }
}

/**
 * The docker CLI's own pick when the config holds no login setup at all (no credsStore, no
 * credHelpers, no auths: its ContainsAuth): on Linux docker-credential-pass if `pass` is installed,
 * else docker-credential-secretservice; osxkeychain on macOS, wincred on Windows; none when that
 * helper is not on PATH. Checked against the CLI (26.1 and 28.2): with an empty config.json,
 * `docker login` stores through pass and writes `"credsStore": "pass"`.
 */
export function defaultStore(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const name = platform === 'darwin' ? 'osxkeychain' : platform === 'win32' ? 'wincred' : findOnPath('pass', env) ? 'pass' : 'secretservice';
  return findOnPath(`docker-credential-${name}${platform === 'win32' ? '.exe' : ''}`, env) ? name : undefined;
}

/** The CLI's ContainsAuth: any store named, any per-registry helper, any `auths` entry. */
function containsAuth(read: ConfigRead): boolean {
  const { credsStore, credHelpers, auths: entries } = read.json;
  const size = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);
  return (typeof credsStore === 'string' && credsStore !== '') || size(credHelpers) > 0 || size(entries) > 0;
}

/** The config's `auths`, only its entries that are objects. */
function auths(read: ConfigRead): Record<string, AuthEntry> {
  const a = read.json.auths;
  if (!a || typeof a !== 'object' || Array.isArray(a)) return {};
  return Object.fromEntries(Object.entries(a as Record<string, unknown>).filter((e): e is [string, AuthEntry] => !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1])));
}

/** The `auths` entry for `server`: its own key first, else any key naming the same host (as the CLI's file store looks). */
function findEntry(read: ConfigRead, server: string): [string, AuthEntry] | undefined {
  const all = auths(read);
  const key = configKey(server);
  if (all[key]) return [key, all[key]];
  return Object.entries(all).find(([k]) => normaliseServer(k) === normaliseServer(server));
}

/** An entry's login: `auth` (base64 "user:password"), or the older username and password, or an identity token. */
function entryAuth(entry: AuthEntry, key: string): RegistryAuth | undefined {
  const serveraddress = configKey(key);
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
  if (typeof entry.auth === 'string' && entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const at = plain.indexOf(':');
    if (at > 0) return { username: plain.slice(0, at), password: plain.slice(at + 1), serveraddress };
    return undefined;
  }
  if (typeof entry.username === 'string' && entry.username && typeof entry.password === 'string') return { username: entry.username, password: entry.password, serveraddress };
  return undefined;
}
