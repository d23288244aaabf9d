/** Opening a published port (in the system browser from the desktop app, a new tab in browser mode) and copying its address. */
import type { PortMapping } from '../../electron/shared/models';
import { api } from '../api';
import { refusalOf, toast } from './ui';

async function addressOf(id: string, p: PortMapping): Promise<{ address: string; url: string } | undefined> {
  try {
    return await api().call('ports.address', { id, port: p.publicPort!, ...(p.ip !== undefined ? { ip: p.ip } : {}) });
  } catch (e) {
    const r = refusalOf(e);
    toast({ kind: 'error', title: `Port ${p.publicPort} cannot be opened from here`, message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
    return undefined;
  }
}

/**
 * Opens the port's page: in the desktop app the shell hands it to the system browser; in a browser,
 * a tab opened at once (a page may open one only within the click, not after the answer) and sent
 * to the address once it is known.
 */
export async function openPort(id: string, p: PortMapping): Promise<void> {
  const desktop = (window as { berth?: unknown }).berth !== undefined;
  const tab = desktop ? null : window.open('', '_blank');
  if (tab) tab.opener = null; // the page opened has no hold on the dashboard
  const a = await addressOf(id, p);
  if (!a) return void tab?.close();
  if (tab) tab.location.href = a.url;
  else window.open(a.url, '_blank', 'noopener,noreferrer');
}

export async function copyPortAddress(id: string, p: PortMapping): Promise<void> {
  const a = await addressOf(id, p);
  if (!a) return;
  try {
    await navigator.clipboard.writeText(a.address);
    toast({ kind: 'success', title: `Copied ${a.address}` });
  } catch {
    toast({ kind: 'error', title: `Could not copy ${a.address}`, message: 'The browser did not allow the clipboard.' });
  }
}
