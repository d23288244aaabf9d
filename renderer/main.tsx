import { createRoot } from 'react-dom/client';
import { connectApi } from './api';
import { createIpcTransport, type BerthBridge } from './api/ipc-transport';
import { createWsTransport, pageToken } from './api/ws-transport';
import { App } from './App';
import './styles.css';
import './stores/health'; // health changes announced in toasts
import { startRouter } from './stores/router';

// In the Electron app the preload provides `window.berth`; in browser mode the API lives at /api
// on the same origin (the page's token goes with it: api/ws-transport's pageToken).
const bridge = (window as { berth?: BerthBridge }).berth;
const token = bridge ? undefined : pageToken();
const root = createRoot(document.getElementById('root')!);

if (!bridge && !token) {
  // Without the token the API refuses every connection: say how to get in rather than retry forever.
  root.render(
    <div className="banner banner-bad" role="alert">
      <strong>This page was opened without Berth&apos;s access token.</strong> Open the dashboard with the URL that <code>berth start</code> (or <code>npm start</code>) printed; it carries the token.
    </div>,
  );
} else {
  connectApi(bridge ? createIpcTransport(bridge) : createWsTransport(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`, token));
  startRouter(); // the place in the URL's hash, and back/forward
  root.render(<App />);
}
