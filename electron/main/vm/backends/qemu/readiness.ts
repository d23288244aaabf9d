/**
 * What tells a booting VM's readiness, for QemuRun's cold boot: a console line (berth-init says
 * `sshd up` before SSH is worth a try), dockerd's first answer through the forwarded socket, and a
 * boot stuck before its console said anything.
 */
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { BerthError } from '../../../../shared/errors';

/** GET /_ping through the forwarded socket. dockerd listens on its socket long before it serves, so one request waits for its first answer. */
export function ping(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.once('close', () => resolve(false)); // after a response this changes nothing
    req.once('timeout', () => req.destroy());
  });
}

/** Resolves once the console log has a `berth-init: [..] <what>` line (fs.watch, no polling); `cancel` ends the watch. */
export function consoleSays(file: string, what: string): { said: Promise<void>; cancel: () => void } {
  let cancel = () => undefined as void;
  const said = new Promise<void>((resolve) => {
    let done = false;
    const check = () =>
      void readFile(file, 'utf8').then(
        (text) => (text.includes(`] ${what}\r\n`) || text.includes(`] ${what}\n`)) && finish(), // the console's lines end in CRLF
        () => undefined,
      );
    let w: ReturnType<typeof watch> | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      w?.close();
      resolve();
    };
    cancel = () => ((done = true), w?.close());
    try {
      w = watch(file, check);
      w.on('error', () => undefined);
    } catch {
      /* no console log: the caller's other conditions decide */
    }
    check();
  });
  return { said, cancel };
}

/**
 * A guest stuck before its first console line (seen once in many CI boots under TCG: QEMU alive,
 * the console empty for 180 s, SSH accepted and never answered). Its first line comes 5-10 s after
 * QEMU starts, so a silence many times that is a hang: the backend boots again, once.
 */
export class SilentBoot extends BerthError {
  constructor(seconds: number, hint: string) {
    super('COMMAND_FAILED', `The VM was stuck at the start of its boot: its console said nothing in ${seconds} s.`, { hint });
  }
}
