/**
 * The registry logins Berth uses: the docker CLI's (`docker-logins.ts`: its helpers or its
 * `auths`), so a `docker login` in a terminal serves Berth and a login made in Berth serves the
 * CLI; and, after them, the logins Berth kept in its own registries.json before it shared the
 * CLI's (`registry-logins.ts`). Those are kept as they are rather than moved: a password sealed
 * by the desktop app's keychain cannot be opened in browser mode, and a move would write the
 * user's passwords somewhere new without being asked. They are read (the docker config's login
 * for a registry comes first), listed (marked as Berth's), and go at a logout, or when a new login
 * for that registry is made (it is then kept where the docker CLI keeps it). Berth never adds to
 * registries.json any more.
 *
 * A login or logout changes one file at a time, one after the other in this process.
 */
import { normaliseServer } from '../../shared/image-ref';
import type { LoginStore, RegistryLogin } from '../../shared/models';
import type { DockerLogins, RegistryAuth } from './docker-logins';
import type { EngineAuth, RegistryLogins } from './registry-logins';

export class LoginsService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly docker: DockerLogins,
    private readonly berth: RegistryLogins,
    private readonly berthFile: string,
  ) {}

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(step);
    this.queue = run;
    return run;
  }

  async list(): Promise<RegistryLogin[]> {
    const shared = await this.docker.list();
    const seen = new Set(shared.map((l) => l.server));
    const own = (await this.berth.list()).filter((l) => !seen.has(l.server)).map((l) => ({ ...l, store: { kind: 'berth' as const, file: this.berthFile } }));
    return [...shared, ...own].sort((a, b) => a.server.localeCompare(b.server));
  }

  /** Where a new login for `server` goes: what the login dialog says before one is made. */
  target(server?: string): Promise<LoginStore> {
    return this.docker.target(server);
  }

  /** The engine's auth for a registry: the docker config's, else Berth's own. */
  async auth(server: string): Promise<RegistryAuth | undefined> {
    return (await this.docker.auth(server)) ?? (await this.berth.auth(server));
  }

  /** A username and password for a registry (the registry browser speaks Basic and token auth with them). */
  async basicAuth(server: string): Promise<EngineAuth | undefined> {
    const a = await this.auth(server);
    return a?.username !== undefined && a.password !== undefined ? { username: a.username, password: a.password, serveraddress: a.serveraddress } : undefined;
  }

  /** Keeps a checked login where the docker CLI keeps it; Berth's own copy for that registry, if any, goes. */
  save(server: string, username: string, password: string): Promise<LoginStore> {
    return this.serial(async () => {
      const store = await this.docker.save(server, username, password);
      await this.berth.remove(normaliseServer(server));
      return store;
    });
  }

  /** Forgets the login everywhere Berth finds one; false when there was none. */
  remove(server: string): Promise<boolean> {
    return this.serial(async () => {
      // Berth's own copy goes even when the docker config's helper fails; that failure is still said.
      const shared = await this.docker.remove(server).then(
        (had) => ({ had }),
        (failed: unknown) => ({ had: false, failed }),
      );
      const own = await this.berth.remove(server);
      if ('failed' in shared) throw shared.failed;
      return shared.had || own;
    });
  }
}
