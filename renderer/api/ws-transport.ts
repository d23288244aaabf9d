/**
 * Browser mode: one WebSocket to the Berth server at /api, reconnecting with backoff while it is
 * away. Messages go as JSON, transfer bytes as binary frames (wire.ts). The socket's URL carries
 * the access token the page was opened with (see pageToken): there is no cookie.
 */
import { fromBinaryFrame, toBinaryFrame, type ServerMessage } from '../../electron/shared/wire';
import type { Transport } from './client';

const TOKEN_KEY = 'berth.token';

/**
 * The token of the printed URL (`/?token=`). The first load keeps it in sessionStorage (this tab,
 * this origin only: another port on 127.0.0.1 cannot read it) and takes it out of the address
 * bar; a reload of the clean address reads it back from there.
 */
export function pageToken(
  loc: Pick<Location, 'href'> = location,
  store: Pick<Storage, 'getItem' | 'setItem'> = sessionStorage,
  hist: Pick<History, 'replaceState' | 'state'> = history,
): string | undefined {
  const url = new URL(loc.href);
  const given = url.searchParams.get('token');
  if (given) {
    store.setItem(TOKEN_KEY, given);
    url.searchParams.delete('token');
    hist.replaceState(hist.state, '', `${url.pathname}${url.search}${url.hash}`);
    return given;
  }
  return store.getItem(TOKEN_KEY) ?? undefined;
}

export function createWsTransport(url: string, token: string | undefined = pageToken()): Transport {
  const target = token ? `${url}?token=${encodeURIComponent(token)}` : url;
  let ws: WebSocket | undefined;
  let queue: (string | Uint8Array<ArrayBuffer>)[] = [];
  let onMessage: (m: ServerMessage) => void = () => {};
  let onConnection: (c: boolean) => void = () => {};
  let delay = 250;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    const socket = new WebSocket(target);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      delay = 250;
      onConnection(true);
      for (const m of queue) socket.send(m);
      queue = [];
    };
    socket.onmessage = (e: MessageEvent<unknown>) => {
      if (e.data instanceof ArrayBuffer) {
        const m = fromBinaryFrame(new Uint8Array(e.data));
        if (m?.t === 'chunk') onMessage(m);
        return;
      }
      let m: ServerMessage;
      try {
        m = JSON.parse(String(e.data)) as ServerMessage;
      } catch {
        return; // not ours: ignore
      }
      onMessage(m);
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
      const m = (toBinaryFrame(message) as Uint8Array<ArrayBuffer> | undefined) ?? JSON.stringify(message);
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
