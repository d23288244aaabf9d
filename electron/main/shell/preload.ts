/**
 * The preload (sandboxed): one generic bridge, `window.berth`, carrying the contract's messages
 * (wire.ts) both ways over one IPC channel. No Node and no Electron API reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ClientMessage, ServerMessage } from '../../shared/wire';

const CHANNEL = 'berth:msg'; // = IPC_CHANNEL in main.ts (not imported: the preload bundle stays tiny)

contextBridge.exposeInMainWorld('berth', {
  send: (m: ClientMessage) => ipcRenderer.send(CHANNEL, m),
  onMessage: (cb: (m: ServerMessage) => void) => {
    const listener = (_e: unknown, m: ServerMessage) => cb(m);
    ipcRenderer.on(CHANNEL, listener);
    return () => void ipcRenderer.removeListener(CHANNEL, listener);
  },
});
