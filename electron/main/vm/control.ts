/**
 * The VM daemon's control socket (paths.vmControlSocket, 0600): newline-delimited JSON. A client sends
 * `{id, op}` (op: status | start | stop | trim | hold) and gets `{id, info}` (a trim adds `trimmed`,
 * its bytes) or `{id, error}` (a BerthError's code, message and hint) when the op is done; every
 * state change is pushed to every client as `{info}`. A hold keeps the VM from auto-pausing for as
 * long as its connection stays open (`berth vm ssh`: its typing never goes through the engine's socket).
 */
import type { ErrorPayload } from '../../shared/errors';
import type { VmInfo } from '../../shared/models';

export type VmOp = 'status' | 'start' | 'stop' | 'trim' | 'hold';
export interface ControlRequest {
  id: number;
  op: VmOp;
}
export type ControlMessage = { id?: number; info: VmInfo; trimmed?: number } | { id: number; error: ErrorPayload };
