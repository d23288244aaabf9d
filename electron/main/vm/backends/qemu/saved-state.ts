/**
 * The VM's saved state (a warm start): a stop saves the running VM (QEMU's migration stream, its
 * memory and devices) to paths.vmSavedState, and the next start restores it instead of booting,
 * when that is safe. Its record (paths.vmSavedStateRecord) says what the state needs (the same
 * image build, data disk, CPUs and memory, QEMU and accelerator), or where a VM's life stopped:
 * `running` while it runs (so a crash leaves no usable state), `saving` and `restoring` while a
 * state is written or read (so a kill in the middle leaves none either), `stopped` with why a stop
 * could not save. `whyCold` turns a record that cannot be used into the words of a boot step.
 */
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { BerthError } from '../../../../shared/errors';
import { paths, tempFor } from '../../../paths';
import { QmpSession } from './qmp-session';

/** What must be the same for a saved state to be restored. */
export interface StateNeeds {
  /** The image build (manifest inputs) and the sha256 of its files. */
  image: string;
  files: string;
  /** How the kernel was booted: the firmware's option ROM is part of the state. */
  boot: 'pvh' | 'bzimage';
  cpus: number;
  memoryMiB: number;
  diskGiB: number;
  accel: string;
  /** The QEMU binary (path, size, mtime): another QEMU may not read this one's stream. */
  qemu: string;
}

export interface DiskStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export type StateRecord =
  ({ phase: 'saved'; disk: DiskStamp; bytes: number; savedAt: string } & StateNeeds) | { phase: 'running' | 'saving' | 'restoring'; at: string } | { phase: 'stopped'; reason: string; at: string };

export function diskStamp(file: string): DiskStamp | undefined {
  try {
    const st = statSync(file);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return undefined;
  }
}

export function readRecord(env: NodeJS.ProcessEnv): StateRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(paths.vmSavedStateRecord(env), 'utf8')) as StateRecord;
    return typeof r?.phase === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

export function writeRecord(env: NodeJS.ProcessEnv, r: StateRecord): void {
  const file = paths.vmSavedStateRecord(env);
  const tmp = tempFor(file);
  try {
    writeFileSync(tmp, JSON.stringify(r) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export const now = () => new Date().toISOString();

/**
 * Why the saved state cannot be restored, in words (a boot step says "Cold boot: <words>"); undefined
 * when it can. With no record at all (a first start) there is nothing to say either: `'quiet'` (a
 * string like the reasons, which the type cannot tell apart).
 */
export function whyCold(r: StateRecord | undefined, needs: StateNeeds, disk: DiskStamp | undefined, stateBytes: number | undefined): string | undefined {
  if (!r) return 'quiet';
  if (r.phase === 'running') return 'the VM was not stopped by Berth last time (it crashed or was ended), so no state was saved';
  if (r.phase === 'saving') return "the last stop did not finish saving the VM's state";
  if (r.phase === 'restoring') return 'the last start did not finish restoring the saved state';
  if (r.phase === 'stopped') return `the last stop could not save the VM's state (${r.reason})`;
  if (r.phase !== 'saved') return 'quiet';
  if (r.image !== needs.image || r.files !== needs.files || r.boot !== needs.boot) return 'the saved state is from another image build';
  if (r.cpus !== needs.cpus || r.memoryMiB !== needs.memoryMiB) return `the saved state has ${r.cpus} CPUs and ${r.memoryMiB} MiB of memory, the settings now ${needs.cpus} and ${needs.memoryMiB} MiB`;
  if (r.diskGiB !== needs.diskGiB) return `the data disk's size changed (${r.diskGiB} GiB then, ${needs.diskGiB} GiB now)`;
  if (r.accel !== needs.accel) return `the saved state was made with ${r.accel}, this start uses ${needs.accel}`;
  if (r.qemu !== needs.qemu) return 'QEMU changed since the state was saved';
  if (!disk || disk.size !== r.disk.size || disk.mtimeMs !== r.disk.mtimeMs || disk.ino !== r.disk.ino) return 'the data disk changed since the state was saved';
  if (stateBytes !== r.bytes) return 'the saved state file is missing or incomplete';
  return undefined;
}

/** The saved state's size on disk (undefined when there is none). */
export function stateBytes(env: NodeJS.ProcessEnv): number | undefined {
  const f = paths.vmSavedState(env);
  return existsSync(f) ? statSync(f).size : undefined;
}

/** Drops the saved state (a cold boot makes it stale for good). */
export function dropState(env: NodeJS.ProcessEnv): void {
  rmSync(paths.vmSavedState(env), { force: true });
}

/** QEMU's words on a failed migration, from query-migrate. */
async function migrationError(s: QmpSession): Promise<string> {
  const q = await s.execute<{ status?: string; 'error-desc'?: string }>('query-migrate').catch((): { status?: string; 'error-desc'?: string } => ({}));
  return q['error-desc'] ?? `the migration ended as ${q.status ?? 'unknown'}`;
}

/**
 * Pauses the VM and saves it to paths.vmSavedState: QEMU sends its migration stream to a socket
 * this process listens on, which writes it to a temp file, synced and renamed into place once QEMU
 * says the migration completed. Then QEMU is told to quit. Rejects with QEMU's words when it
 * refuses (a share still mounted) or ends first; the VM is then running again, if QEMU is there.
 * Its errors are a reason the caller words (QemuRun's stop keeps it in the record).
 */
export async function saveState(env: NodeJS.ProcessEnv, qmpSocket: string): Promise<number> {
  const file = paths.vmSavedState(env);
  const tmp = tempFor(file);
  const sock = paths.vmMigrateSocket(env);
  rmSync(sock, { force: true });
  const s = await QmpSession.open(qmpSocket);
  let written: Promise<boolean> | undefined;
  const server = createServer((c) => {
    if (written) return void c.destroy(); // one stream only
    written = pipeline(c, createWriteStream(tmp, { mode: 0o600 })).then(
      () => true,
      () => false,
    );
  });
  let paused = false;
  try {
    server.listen(sock);
    await once(server, 'listening');
    await s.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
    await s.execute('migrate-set-parameters', { 'max-bandwidth': 64 * 2 ** 30 }); // no throttle: the VM is paused
    await s.execute('stop');
    paused = true;
    await s.execute('migrate', { uri: `unix:${sock}` });
    const end = await s.event('MIGRATION', (d) => ['completed', 'failed', 'cancelled'].includes(String(d.status)));
    if (end.status !== 'completed') throw new BerthError('COMMAND_FAILED', await migrationError(s));
    if (!(await written)) throw new BerthError('COMMAND_FAILED', 'the state could not be written to disk');
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
    const bytes = statSync(file).size;
    await s.execute('quit').catch(() => undefined); // QEMU exits; the caller waits for it
    return bytes;
  } catch (e) {
    if (paused) await s.execute('cont').catch(() => undefined);
    throw e;
  } finally {
    s.close();
    server.close();
    rmSync(sock, { force: true });
    rmSync(tmp, { force: true });
  }
}

/**
 * Feeds the saved state to a QEMU started with `-incoming defer` and resumes the VM once QEMU has
 * read all of it. Rejects with QEMU's words when it cannot (then the caller boots cold, and says
 * them as its reason).
 */
export async function restoreState(env: NodeJS.ProcessEnv, qmpSocket: string): Promise<void> {
  const sock = paths.vmMigrateSocket(env);
  rmSync(sock, { force: true });
  const s = await QmpSession.open(qmpSocket);
  try {
    await s.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
    await s.execute('migrate-incoming', { uri: `unix:${sock}` });
    const c = connect(sock);
    await Promise.race([once(c, 'connect'), once(c, 'error').then(([e]) => Promise.reject(e as Error))]);
    const fed = pipeline(createReadStream(paths.vmSavedState(env)), c).catch(() => undefined); // QEMU's own status says how it went
    const end = await s.event('MIGRATION', (d) => ['completed', 'failed', 'cancelled'].includes(String(d.status)));
    await fed;
    if (end.status !== 'completed') throw new BerthError('COMMAND_FAILED', await migrationError(s));
    await s.execute('cont');
  } finally {
    s.close();
    rmSync(sock, { force: true });
  }
}
