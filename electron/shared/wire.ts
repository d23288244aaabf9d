/** Messages over the browser-mode WebSocket (Electron IPC carries the same shapes). */
import type { ErrorPayload } from './errors';
import type { EventName, Events } from './api-contract';

export interface RequestMessage {
  t: 'req';
  id: number;
  method: string;
  args?: unknown;
}

export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export type ResponseMessage = { t: 'res'; id: number } & Reply;

export interface EventMessage<E extends EventName = EventName> {
  t: 'event';
  name: E;
  payload: Events[E];
}

export type ServerMessage = ResponseMessage | EventMessage;

/** Largest request a client may send; larger frames are refused before parsing. */
export const MAX_REQUEST_BYTES = 256 * 1024;
