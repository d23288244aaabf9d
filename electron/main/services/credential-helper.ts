/**
 * The docker CLI's credential-helper protocol: `docker-credential-<name> <action>`, found on PATH,
 * with what it needs on stdin and its answer on stdout.
 *
 *   store  stdin `{"ServerURL": s, "Username": u, "Secret": p}`          stdout nothing
 *   get    stdin the server, as text                                     stdout `{"ServerURL", "Username", "Secret"}`
 *   erase  stdin the server, as text                                     stdout nothing
 *   list   stdin nothing                                                 stdout `{"<server>": "<username>", ...}`
 *
 * A login the helper does not have is its exit 1 with "credentials not found in native keychain"
 * on stdout. A Username of `<token>` makes the Secret an identity token. The secret only ever goes
 * to the helper's stdin (never an argument) and comes back on its stdout; no message Berth makes
 * from a helper's words carries it.
 */
import { spawn } from 'node:child_process';
import { BerthError } from '../../shared/errors';

export interface HelperCredentials {
  username: string;
  secret: string;
}

/** The words every helper says for a login it does not have (credentials.errCredentialsNotFoundMessage). */
const NOT_FOUND = 'credentials not found in native keychain';
/** A helper may ask for a passphrase (gpg's pinentry) or unlock a keychain: give it time, then say so. */
export const HELPER_TIMEOUT_MS = 60_000;
/** What Berth reads of a helper's output: a list of logins is small. */
const MAX_OUTPUT = 1024 * 1024;
/** The names the CLI would run; anything else (a path, spaces) is not a helper's name. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class CredentialHelper {
  /**
   * `name` as the docker config gives it (credsStore "pass" runs docker-credential-pass); `source`
   * says where it was named, for messages ("credsStore in /home/me/.docker/config.json").
   */
  constructor(
    readonly name: string,
    private readonly source: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly timeoutMs = HELPER_TIMEOUT_MS,
  ) {}

  get program(): string {
    return `docker-credential-${this.name}`;
  }

  /** The login the helper keeps for `server`, or undefined when it has none. */
  async get(server: string): Promise<HelperCredentials | undefined> {
    const r = await this.run('get', server, { notFoundOk: true });
    if (r === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(r);
    } catch {
      throw this.failure('get', 'answered with something that is not JSON'); // its output may hold the secret: not quoted
    }
    const { Username: username, Secret: secret } = (json ?? {}) as { Username?: unknown; Secret?: unknown };
    if (typeof username !== 'string' || typeof secret !== 'string') throw this.failure('get', 'answered without a Username and Secret');
    return secret === '' && username === '' ? undefined : { username, secret };
  }

  async store(server: string, username: string, secret: string): Promise<void> {
    await this.run('store', JSON.stringify({ ServerURL: server, Username: username, Secret: secret }), { secret });
  }

  /** Forgets the login for `server`; one the helper did not have is no fault. */
  async erase(server: string): Promise<void> {
    await this.run('erase', server, { notFoundOk: true });
  }

  /** The servers the helper keeps a login for, each with its username. */
  async list(): Promise<Record<string, string>> {
    const out = (await this.run('list', '')) ?? '{}';
    let json: unknown;
    try {
      json = JSON.parse(out);
    } catch {
      throw this.failure('list', 'answered with something that is not JSON');
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw this.failure('list', 'answered with something that is not a list of logins');
    return Object.fromEntries(Object.entries(json).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  private failure(action: string, why: string): BerthError {
    return new BerthError('COMMAND_FAILED', `The credential helper ${this.program} (${this.source}) failed to ${action} a login: ${why}.`, {
      hint: `Check that ${this.program} works in a terminal (\`${this.program} list\`), or name another helper in the docker config.`,
    });
  }

  private timeoutFailure(action: string): BerthError {
    return this.failure(action, `it did not answer in ${this.timeoutMs / 1000} s (is it waiting for a passphrase or an unlock?)`);
  }

  /** Runs one action; its stdout, or undefined for a login it does not have (when that is no fault). */
  private run(action: string, input: string, opts: { notFoundOk?: boolean; secret?: string } = {}): Promise<string | undefined> {
    if (!NAME.test(this.name)) {
      return Promise.reject(
        new BerthError('INVALID_ARGUMENT', `The docker config names the credential helper ${JSON.stringify(this.name.slice(0, 80))} (${this.source}), which is not a helper's name.`, {
          hint: 'A helper is named by what follows docker-credential- in its program\'s name, e.g. "pass" or "secretservice".',
        }),
      );
    }
    return new Promise((resolveOnce, rejectOnce) => {
      let settled = false; // a child that cannot start says so by 'error', and may still 'close'
      const resolve = (v: string | undefined) => void (!settled && ((settled = true), resolveOnce(v)));
      const reject = (e: BerthError) => void (!settled && ((settled = true), rejectOnce(e)));
      // Its own process group: a helper runs others (pass runs gpg), and a timeout stops them all.
      const child = spawn(this.program, [action], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      let out = '';
      let err = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL'); // the group is gone already
        }
        // Said now, not at 'close': a grandchild that left the group may still hold the pipes.
        child.stdout.destroy();
        child.stderr.destroy();
        reject(this.timeoutFailure(action));
      }, this.timeoutMs);
      child.stdout.on('data', (d: Buffer) => void (out.length < MAX_OUTPUT && (out += d.toString('utf8'))));
      child.stderr.on('data', (d: Buffer) => void (err.length < MAX_OUTPUT && (err += d.toString('utf8'))));
      child.stdin.on('error', () => undefined); // a helper that exits without reading: its exit says why
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (e.code === 'ENOENT') {
          reject(
            new BerthError('UNAVAILABLE', `The credential helper ${this.program} (${this.source}) is not installed: it is not on the PATH.`, {
              hint: `Install ${this.program}, or take "${this.name}" out of the docker config (then log in again).`,
            }),
          );
        } else reject(this.failure(action, `it could not be started (${e.code ?? e.message})`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) return reject(this.timeoutFailure(action));
        if (code === 0) return resolve(out);
        const words = redact((out.trim() || err.trim()).split('\n')[0]!.slice(0, 300), opts.secret);
        if (opts.notFoundOk && words.includes(NOT_FOUND)) return resolve(undefined);
        reject(this.failure(action, `it ended with ${code === null ? `signal ${signal}` : `exit ${code}`}${words ? `: ${words}` : ''}`));
      });
      child.stdin.end(input);
    });
  }
}

/** A helper's words with the secret it was given taken out, should it echo its input. */
function redact(words: string, secret: string | undefined): string {
  return secret ? words.split(secret).join('***') : words;
}
