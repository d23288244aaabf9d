/** Turns whatever dockerode / docker-modem throws into a typed BerthError with the engine's reason. */
import { BerthError, type ErrorCode } from '../../shared/errors';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EPIPE', 'ECONNRESET', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

interface ModemError {
  statusCode?: number;
  json?: { message?: string } | string | null;
  reason?: string;
  code?: string;
  message?: string;
}

/** The engine's own sentence, without docker-modem's "(HTTP code 409) unexpected - " prefix. */
export function engineMessage(err: ModemError): string {
  if (err.json && typeof err.json === 'object' && typeof err.json.message === 'string') return err.json.message;
  if (typeof err.json === 'string' && err.json.trim()) return err.json.trim();
  const msg = err.message ?? ''; // String() of an object without one says only [object Object]
  return msg.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim() || err.reason || 'Unknown engine error';
}

function codeFor(status: number, message: string): ErrorCode {
  // "volume is in use", "container x is using its referenced image", "has active endpoints"; but a
  // name "is already in use by container" is a name conflict, not a resource in use.
  const inUse = /(?<!already )in use|is using|being used|has active endpoints/i.test(message);
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 404) return 'NOT_FOUND';
  if (status === 403 || status === 409) return inUse ? 'IN_USE' : 'CONFLICT';
  // Podman's service answers a taken name with 500 where dockerd says 409 ("... is already in use by <id>. You have to remove ...").
  if (status === 500 && /name .* is already in use by /i.test(message)) return 'CONFLICT';
  return 'ENGINE_ERROR';
}

/** What to do about a conflict depends on what it is: a taken name is not a running container. */
function conflictHint(message: string): string | undefined {
  if (/already (in use|exists)|name .* is (already )?(taken|reserved)/i.test(message)) return 'Pick another name, or remove the one that has it.';
  if (/is (running|restarting|paused)|stop the container|cannot (remove|kill) .*running/i.test(message)) return 'Stop it first, or use force.';
  return undefined; // the generic hint
}

export function toBerthError(e: unknown): BerthError {
  if (e instanceof BerthError) return e;
  const err = (e ?? {}) as ModemError;
  if (err.code && UNREACHABLE_CODES.has(err.code)) {
    return new BerthError('ENGINE_UNREACHABLE', `Cannot reach the engine (${err.code}): ${err.message ?? ''}`.trim());
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 300 && err.statusCode < 400 && err.statusCode !== 304) {
    return new BerthError('ENGINE_ERROR', `The engine answered with a redirect (HTTP ${err.statusCode}), which Berth never follows.`, {
      hint: 'The engine did not take the name as written; check it.',
    });
  }
  if (typeof err.statusCode === 'number') {
    const message = engineMessage(err);
    const code = codeFor(err.statusCode, message);
    return new BerthError(code, message, code === 'CONFLICT' ? { hint: conflictHint(message) } : {});
  }
  // JSON.parse of what the engine sent (an event, a progress line, a stats sample, a header).
  if (e instanceof SyntaxError && /JSON/.test(e.message)) return new BerthError('ENGINE_ERROR', `The engine sent something Berth cannot read (${e.message}).`);
  return new BerthError('INTERNAL', err.message ?? String(e));
}
