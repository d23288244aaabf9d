/**
 * OS notifications of the desktop app (a container's health, a job's end), only while the window
 * is not in front (closed to the tray, or behind others): in front, the page's toast says it. A
 * click opens Berth. Shown ones are held until closed (Electron drops the click of a collected
 * Notification), MAX_NOTICES at most (older ones are the OS's alone).
 */
import type * as Electron from 'electron';

const MAX_NOTICES = 20;

export function osNotifier(Notification: typeof Electron.Notification, inFront: () => boolean, onClick: () => void): (n: { title: string; body: string }) => void {
  const notices = new Set<Electron.Notification>();
  return ({ title, body }) => {
    if (!Notification.isSupported() || inFront()) return;
    const note = new Notification({ title, body });
    notices.add(note);
    for (const old of [...notices].slice(0, -MAX_NOTICES)) notices.delete(old);
    note.on('click', () => (notices.delete(note), onClick()));
    note.on('close', () => notices.delete(note));
    note.show();
  };
}
