/** Messages over the browser-mode WebSocket (Electron IPC carries the same shapes). */
import type { ErrorPayload } from './errors';
import type { EventName, Events } from './api-contract';

export interface RequestMessage {
  t: 'req';
  id: number;
  method: string;
  args?: unknown;
}

/** Opens a stream; the server answers with chunk* then end. */
export interface StreamStartMessage {
  t: 'stream';
  id: number;
  name: string;
  args?: unknown;
}

export interface StreamCancelMessage {
  t: 'cancel';
  id: number;
}

/** Input to an open stream (a terminal's keystrokes, resize, acks), checked against its schema. */
export interface StreamInputMessage {
  t: 'input';
  id: number;
  data: unknown;
}

export type ClientMessage = RequestMessage | StreamStartMessage | StreamCancelMessage | StreamInputMessage;

export interface ChunkMessage {
  t: 'chunk';
  id: number;
  data: unknown;
}

/** A stream is over: `error` says why when it did not end normally (cancelled streams end quietly). */
export interface EndMessage {
  t: 'end';
  id: number;
  error?: ErrorPayload;
}

export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export type ResponseMessage = { t: 'res'; id: number } & Reply;

export interface EventMessage<E extends EventName = EventName> {
  t: 'event';
  name: E;
  payload: Events[E];
}

export type ServerMessage = ResponseMessage | EventMessage | ChunkMessage | EndMessage;

/** Largest request a client may send; larger frames are refused before parsing. */
export const MAX_REQUEST_BYTES = 256 * 1024;
