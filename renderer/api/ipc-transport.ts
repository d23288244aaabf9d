/** The Electron app's transport: the preload's `window.berth` bridge (same messages as the WebSocket). */
import type { ClientMessage, ServerMessage } from '../../electron/shared/wire';
import type { Transport } from './client';

export interface BerthBridge {
  send(m: ClientMessage): void;
  onMessage(cb: (m: ServerMessage) => void): () => void;
}

export function createIpcTransport(bridge: BerthBridge): Transport {
  return {
    send: (m) => bridge.send(m),
    listen(onMessage, onConnection) {
      const off = bridge.onMessage(onMessage);
      onConnection(true); // the main process is always there while the window is
      return off;
    },
  };
}
