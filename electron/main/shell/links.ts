/**
 * Links in and out of the window. Out: a web page (a published port) goes to the system browser,
 * checked first. In: a `berth://` link the OS hands over (its protocol handler, a
 * second start with the link as an argument, macOS's open-url) or a hash from `berth open`.
 * Each becomes the app page's URL at that place; anything else opens nothing.
 */
import type * as Electron from 'electron';
import { hashOfPlace } from '../../shared/route';
import type { ShowReply } from '../instance-lock';

type ElectronModule = typeof Electron;

/** The first `berth://` argument of a command line. */
export const linkIn = (argv: readonly string[] | undefined): string | undefined => argv?.find((a) => a.startsWith('berth:'));

/** The page at the place `link` (a berth:// link or a `#/...` hash) names: `appUrl` with its hash, or undefined. */
export function pageUrlFor(appUrl: string, link: string | undefined): string | undefined {
  if (!link) return undefined;
  const hash = hashOfPlace(link);
  return hash ? `${appUrl}${hash}` : undefined;
}

/** The dashboard's address without its access token (or anything after the path), fit for a log. */
const withoutToken = (url: string): string => url.replace(/[?#].*$/s, '');

/** What the system browser may be asked to open: http(s) with a host and no credentials, as parsed (normalised), or undefined. */
export function webUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !u.username && !u.password ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A second Berth on a data folder held by another: say where the first is, open its dashboard, quit. */
export function handOver(electron: Pick<ElectronModule, 'app' | 'shell'>, reply: ShowReply): void {
  console.log(`berth: Berth is already running for this data folder (process ${reply.pid}); ${reply.url ? `opening its dashboard at ${withoutToken(reply.url)}` : 'its window is in front now'}.`);
  if (reply.url && /^http:\/\/127\.0\.0\.1:\d+\//.test(reply.url)) void electron.shell.openExternal(reply.url);
  electron.app.quit();
}
