/** The one client the stores use; `connectApi` is called once at boot (or by tests with a fake). */
import { createClient, type ApiClient, type Transport } from './client';

let client: ApiClient | undefined;
const onConnectHooks: ((c: ApiClient) => void)[] = [];

export function connectApi(transport: Transport): ApiClient {
  client?.dispose();
  client = createClient(transport);
  for (const hook of onConnectHooks) hook(client);
  return client;
}

/** Stores register their push subscriptions here; they run for every (re)connected client. */
export function whenConnected(hook: (c: ApiClient) => void): void {
  onConnectHooks.push(hook);
  if (client) hook(client);
}

export function api(): ApiClient {
  if (!client) throw new Error('API not connected');
  return client;
}
