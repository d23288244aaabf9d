import { createRoot } from 'react-dom/client';
import { connectApi } from './api';
import { createIpcTransport, type BerthBridge } from './api/ipc-transport';
import { createWsTransport } from './api/ws-transport';
import { App } from './App';
import './styles.css';

// In the Electron app the preload provides `window.berth`; in browser mode the API lives at /api
// on the same origin (the auth cookie rides along).
const bridge = (window as { berth?: BerthBridge }).berth;
connectApi(bridge ? createIpcTransport(bridge) : createWsTransport(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`));

createRoot(document.getElementById('root')!).render(<App />);
