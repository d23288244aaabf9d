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

export async function openPort(id: string, p: PortMapping): Promise<void> {
  const a = await addressOf(id, p);
  if (a) window.open(a.url, '_blank', 'noopener,noreferrer');
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
