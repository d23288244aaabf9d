import { createRoot } from 'react-dom/client';
import { connectApi } from './api';
import { createWsTransport } from './api/ws-transport';
import { App } from './App';
import './styles.css';

// Browser mode: the API lives at /api on the same origin (the auth cookie rides along).
// The Electron shell will connect an IPC transport here instead.
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
connectApi(createWsTransport(wsUrl));

createRoot(document.getElementById('root')!).render(<App />);
