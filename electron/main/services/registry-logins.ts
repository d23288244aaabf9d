/**
 * The logins Berth kept in its own file before it shared the docker CLI's (`logins.ts` says how
 * the two are used): read, listed and removed; new logins go to the docker config instead.
 *
 * Registry credentials, in a 0600 file in Berth's data folder, written atomically. In the desktop
 * app the password is sealed with the OS keychain (Electron's safeStorage: Keychain, DPAPI,
 * libsecret/kwallet) before it is written; in browser mode, where no keychain is reachable from
 * plain Node, the 0600 file is the protection. The password is only ever read to build the
 * engine's X-Registry-Auth header; it is never returned over the API or logged.
 *
 * A damaged file loses no more than its damage: each login is checked on its own, a bad one is
 * dropped with a warning, and before a save writes over a file that had anything dropped (or was
 * not JSON at all) the file is copied to registries.json.bad-<time>. A file that cannot be read
 * (permissions) is never written over.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { normaliseServer } from '../../shared/image-ref';
import { keepCopy, refuseOverwrite } from '../data-file';
import { withFileLock, writeFileAtomic } from '../data-lock';
import { lockFor } from '../paths';

const entrySchema = z.union([z.object({ username: z.string(), password: z.string() }), z.object({ username: z.string(), sealed: z.string() })]);
type Logins = Record<string, z.infer<typeof entrySchema>>;

/** What a read found: the logins Berth can use, and what it could not. */
interface Read {
  data: Logins;
  /** Something in the file was not used: keep a copy before writing over it. */
  damaged: boolean;
  /** The file is there but could not be read at all: never write over it. */
  unreadable?: string;
}

/** Seals secrets with the OS keychain (the desktop app passes one built on safeStorage). */
export interface SecretCodec {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** The registry an image reference lives in. */
export function serverOf(domain: string | undefined): string {
  return normaliseServer(domain ?? 'docker.io');
}

export interface EngineAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export class RegistryLogins {
  constructor(
    private readonly file: string,
    private readonly codec?: SecretCodec,
  ) {}

  /** Warnings already logged, so each is said once per process. */
  private readonly warned = new Set<string>();

  private warn(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    console.warn(`[berth] ${text}`);
  }

  private async read(): Promise<Read> {
    let raw: string;
    try {
      raw = await readFile(this.file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? { data: {}, damaged: false } : { data: {}, damaged: false, unreadable: code ?? String(e) };
    }
    const name = basename(this.file);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      this.warn(`${name} is not valid JSON (${(e as Error).message.slice(0, 120)}); Berth has no registry logins from it.`);
      return { data: {}, damaged: true };
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      this.warn(`${name} does not hold registry logins; Berth has none from it.`);
      return { data: {}, damaged: true };
    }
    const kept: [string, z.infer<typeof entrySchema>][] = [];
    for (const [server, v] of Object.entries(json)) {
      const entry = entrySchema.safeParse(v);
      if (entry.success) kept.push([server, entry.data]);
      else this.warn(`${name}: the login for ${JSON.stringify(server.slice(0, 80))} was dropped (it is not a username with a password); the other logins were kept.`);
    }
    return { data: Object.fromEntries(kept), damaged: kept.length < Object.keys(json).length };
  }

  /**
   * Read-modify-write under the data-folder lock, so a login saved by another process is not lost.
   * A damaged file is copied first; one that cannot be read is left alone.
   */
  private update<T>(change: (data: Logins) => { data?: Logins; result: T }): Promise<T> {
    return withFileLock(lockFor(this.file), async () => {
      const r = await this.read();
      if (r.unreadable) throw refuseOverwrite(this.file, 'registry logins file', r.unreadable);
      const { data, result } = change(r.data);
      if (data) {
        if (r.damaged) this.warn(`${basename(this.file)} as it was is kept at ${await keepCopy(this.file)}.`);
        await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n');
      }
      return result;
    });
  }

  async list(): Promise<{ server: string; username: string }[]> {
    return Object.entries((await this.read()).data).map(([server, v]) => ({ server, username: v.username }));
  }

  /** The engine's auth object for a server, when Berth has a login for it. */
  async auth(server: string): Promise<EngineAuth | undefined> {
    const key = normaliseServer(server);
    const v = (await this.read()).data[key];
    if (!v) return undefined;
    let password: string;
    if ('password' in v) password = v.password;
    else if (this.codec) password = this.codec.open(v.sealed);
    else return undefined; // sealed by the desktop app's keychain: not readable here
    return { username: v.username, password, serveraddress: key === 'docker.io' ? 'https://index.docker.io/v1/' : key };
  }

  save(server: string, username: string, password: string): Promise<void> {
    const login = this.codec ? { username, sealed: this.codec.seal(password) } : { username, password };
    return this.update((data) => ({ data: { ...data, [normaliseServer(server)]: login }, result: undefined }));
  }

  remove(server: string): Promise<boolean> {
    const key = normaliseServer(server);
    return this.update((data) => {
      if (!Object.hasOwn(data, key)) return { result: false };
      const { [key]: _gone, ...rest } = data;
      return { data: rest, result: true };
    });
  }
}
