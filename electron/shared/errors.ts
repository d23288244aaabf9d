/**
 * Typed errors shared by main and renderer. The router encodes them as
 * `{ ok: false, error: { code, message, hint } }`; the renderer client rebuilds a BerthError.
 * User-facing wording for a code lives in `hintFor` so every view says the same thing.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT', // the request itself is malformed (schema failed, bad name, ...)
  'UNKNOWN_METHOD', // no such API call
  'NOT_FOUND', // the resource does not exist (any more)
  'CONFLICT', // the resource is in a state that forbids the action (running, name taken, ...)
  'IN_USE', // the resource is used by something else (volume by a container, ...)
  'ENGINE_UNREACHABLE', // the docker engine cannot be reached
  'ENGINE_TIMEOUT', // the engine took a request but did not answer in time (hung or overloaded)
  'ENGINE_ERROR', // the engine answered with an internal error
  'REGISTRY_AUTH', // a registry refused the credentials (or wants some)
  'UNAVAILABLE', // a tool Berth relies on is not installed here (a Compose CLI, ...)
  'COMMAND_FAILED', // a tool Berth ran (compose, ...) failed; its own words are in the message
  'DISCONNECTED', // the renderer lost its connection to Berth's backend
  'UNAUTHORIZED', // browser mode: missing/wrong token or foreign origin
  'INTERNAL', // a bug in Berth
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  hint?: string;
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  INVALID_ARGUMENT: 'Check the values you entered.',
  NOT_FOUND: 'It may have been removed meanwhile; the list refreshes by itself.',
  CONFLICT: 'It clashes with something that exists; the reason above says what.',
  IN_USE: 'Remove or disconnect what uses it first.',
  ENGINE_UNREACHABLE: 'Is the engine running? Berth reconnects by itself when it is back.',
  ENGINE_TIMEOUT: 'The engine may be hung or overloaded. Berth keeps checking and recovers by itself when it answers again.',
  ENGINE_ERROR: 'The engine refused the action; its reason is above.',
  REGISTRY_AUTH: 'Log in to the registry (Images → Registries) and try again.',
  UNAVAILABLE: 'Install it and try again; Berth looks for it again each time.',
  COMMAND_FAILED: 'The output above says what went wrong.',
  DISCONNECTED: 'Berth reconnects by itself; if it does not, restart Berth.',
  UNAUTHORIZED: 'Open the dashboard with the URL Berth printed (it carries the access token).',
  INTERNAL: 'This is a bug in Berth; please report it.',
};

export function hintFor(code: ErrorCode): string | undefined {
  return HINTS[code];
}

export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  /** fatal: the app cannot go on talking to this engine (not the case for a refused action). */
  readonly fatal: boolean;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; fatal?: boolean } = {}) {
    super(message);
    this.name = 'BerthError';
    this.code = code;
    this.hint = opts.hint ?? hintFor(code);
    this.fatal = opts.fatal ?? (code === 'ENGINE_UNREACHABLE' || code === 'ENGINE_TIMEOUT');
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }

  static fromPayload(p: ErrorPayload): BerthError {
    const code = (ERROR_CODES as readonly string[]).includes(p.code) ? p.code : 'INTERNAL';
    return new BerthError(code, String(p.message ?? 'Unknown error'), { hint: p.hint });
  }

  /** Any thrown value as a BerthError: itself if it is one, else an INTERNAL with its message. */
  static from(e: unknown): BerthError {
    if (e instanceof BerthError) return e;
    let message: string;
    try {
      message = String((e as Error | undefined)?.message ?? e);
    } catch {
      message = 'Unknown error'; // e.g. a Symbol, or an object whose toString throws
    }
    return new BerthError('INTERNAL', message);
  }
}
