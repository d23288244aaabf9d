/** Browser mode: one WebSocket to the Berth server, reconnecting with backoff while it is away. */
import type { ServerMessage } from '../../electron/shared/wire';
import type { Transport } from './client';

export function createWsTransport(url: string): Transport {
  let ws: WebSocket | undefined;
  let queue: string[] = [];
  let onMessage: (m: ServerMessage) => void = () => {};
  let onConnection: (c: boolean) => void = () => {};
  let delay = 250;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      delay = 250;
      onConnection(true);
      for (const m of queue) socket.send(m);
      queue = [];
    };
    socket.onmessage = (e) => {
      try {
        onMessage(JSON.parse(String(e.data)) as ServerMessage);
      } catch {
        /* not ours: ignore */
      }
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = undefined;
      onConnection(false);
      if (stopped) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };

  return {
    send(message) {
      const m = JSON.stringify(message);
      if (ws?.readyState === WebSocket.OPEN) ws.send(m);
      else queue.push(m);
    },
    listen(msg, conn) {
      onMessage = msg;
      onConnection = conn;
      open();
      return () => {
        stopped = true;
        clearTimeout(timer);
        ws?.close();
      };
    },
  };
}
