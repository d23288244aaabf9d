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

/**
 * Transfer bytes travel as binary WebSocket frames, never base64 in JSON:
 * `[kind: 1 byte][stream id: 4 bytes, big-endian][payload]`. A chunk frame is a server
 * ChunkMessage whose data is the payload; an input frame is a client StreamInputMessage.
 * (Electron IPC needs no framing: structured clone carries a Uint8Array as it is.)
 */
export const FRAME_HEADER_BYTES = 5;
const FRAME_KIND = { chunk: 1, input: 2 } as const;
/** Stream ids fit the frame's 4 bytes: a client's ids are counted from 1. */
export const MAX_MESSAGE_ID = 0xffff_ffff;

/** The binary frame for a message that carries bytes (a chunk or an input whose data is a Uint8Array); undefined: send it as JSON. */
export function toBinaryFrame(m: ClientMessage | ServerMessage): Uint8Array | undefined {
  if ((m.t !== 'chunk' && m.t !== 'input') || !(m.data instanceof Uint8Array) || !(m.id >= 0 && m.id <= MAX_MESSAGE_ID)) return undefined;
  const frame = new Uint8Array(FRAME_HEADER_BYTES + m.data.length);
  const view = new DataView(frame.buffer);
  view.setUint8(0, FRAME_KIND[m.t]);
  view.setUint32(1, m.id);
  frame.set(m.data, FRAME_HEADER_BYTES);
  return frame;
}

/** The message a binary frame stands for (its data a view into `frame`), or undefined when it is not one of ours. */
export function fromBinaryFrame(frame: Uint8Array): ChunkMessage | StreamInputMessage | undefined {
  if (frame.length < FRAME_HEADER_BYTES) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const kind = view.getUint8(0);
  const t = kind === FRAME_KIND.chunk ? 'chunk' : kind === FRAME_KIND.input ? 'input' : undefined;
  return t && { t, id: view.getUint32(1), data: frame.subarray(FRAME_HEADER_BYTES) };
}

/**
 * Largest message a client may send; a larger frame closes its connection (1009) before parsing.
 * The biggest a client legitimately sends fit: an upload piece (UPLOAD_PIECE in a binary frame,
 * 256 KiB + 5) and a terminal paste of 64 Ki characters in the worst JSON escaping (6 bytes each).
 */
export const MAX_REQUEST_BYTES = 512 * 1024;
