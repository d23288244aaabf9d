/**
 * Registry credentials, in a 0600 file in Berth's data folder, written atomically. In the desktop
 * app the password is sealed with the OS keychain (Electron's safeStorage: Keychain, DPAPI,
 * libsecret/kwallet) before it is written; in browser mode, where no keychain is reachable from
 * plain Node, the 0600 file is the protection. The password is only ever read to build the
 * engine's X-Registry-Auth header; it is never returned over the API or logged.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { RegistryLogin } from '../../shared/models';

const fileSchema = z.record(z.string(), z.union([z.object({ username: z.string(), password: z.string() }), z.object({ username: z.string(), sealed: z.string() })]));

/** Seals secrets with the OS keychain (the desktop app passes one built on safeStorage). */
export interface SecretCodec {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** Docker Hub under every name it goes by is one server; others are host[:port]. */
export function normaliseServer(server: string): string {
  const s = server.trim().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return ['docker.io', 'index.docker.io', 'registry-1.docker.io', ''].includes(s) ? 'docker.io' : s;
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

  private async read(): Promise<z.infer<typeof fileSchema>> {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  private async write(data: z.infer<typeof fileSchema>): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
  }

  async list(): Promise<RegistryLogin[]> {
    return Object.entries(await this.read()).map(([server, v]) => ({ server, username: v.username }));
  }

  /** The engine's auth object for a server, when Berth has a login for it. */
  async auth(server: string): Promise<EngineAuth | undefined> {
    const key = normaliseServer(server);
    const v = (await this.read())[key];
    if (!v) return undefined;
    let password: string;
    if ('password' in v) password = v.password;
    else if (this.codec) password = this.codec.open(v.sealed);
    else return undefined; // sealed by the desktop app's keychain: not readable here
    return { username: v.username, password, serveraddress: key === 'docker.io' ? 'https://index.docker.io/v1/' : key };
  }

  async save(server: string, username: string, password: string): Promise<void> {
    const data = await this.read();
    data[normaliseServer(server)] = this.codec ? { username, sealed: this.codec.seal(password) } : { username, password };
    await this.write(data);
  }

  async remove(server: string): Promise<boolean> {
    const data = await this.read();
    const key = normaliseServer(server);
    if (!(key in data)) return false;
    delete data[key];
    await this.write(data);
    return true;
  }
}
