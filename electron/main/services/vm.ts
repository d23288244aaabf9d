/**
 * The Berth VM for the app's windows and tray: its state pushed as `vm:status` (from the VM
 * daemon's own pushes, whoever started it), start and stop, the console log, and the resources
 * (CPUs, memory, disk) kept in the settings and applied at the next start.
 */
import { open } from 'node:fs/promises';
import type { VmResources } from '../../shared/api-contract';
import { BerthError } from '../../shared/errors';
import type { VmInfo } from '../../shared/models';
import type { EventHub } from '../event-hub';
import { paths } from '../paths';
import { stoppedInfo, type VmClient } from '../vm/client';
import { loadSettings, updateSettings } from '../settings';

const LOG_TAIL = 64 * 1024;

export class VmService {
  private current: VmInfo = stoppedInfo();
  private readonly unwatch: () => void;

  constructor(
    private readonly opts: {
      client: VmClient;
      hub: EventHub;
      settingsFile: string;
      env: NodeJS.ProcessEnv;
      /** The VM's engine came up or went away: the engine connection should look again now. */
      onEngineChange?: () => void;
    },
  ) {
    this.unwatch = opts.client.watch((info) => {
      const was = this.current.state;
      this.current = info;
      opts.hub.emit('vm:status', info);
      // Paused (auto-pause) is up for the engine: its socket answers, the first call resumes the VM.
      const up = (s: VmInfo['state']) => s === 'running' || s === 'paused';
      if (up(was) !== up(info.state)) opts.onEngineChange?.();
    });
  }

  status(): VmInfo {
    return this.current;
  }

  /** Resolves when the VM runs; progress arrives as `vm:status` pushes meanwhile. */
  start(): Promise<VmInfo> {
    return this.opts.client.start();
  }

  stop(): Promise<VmInfo> {
    return this.opts.client.stop();
  }

  /** The end of the VM's console (the last boot), for the VM page. */
  async log(): Promise<string> {
    let f;
    try {
      f = await open(paths.vmConsoleLog(this.opts.env));
    } catch {
      return '';
    }
    try {
      const { size } = await f.stat();
      const start = Math.max(0, size - LOG_TAIL);
      const { buffer, bytesRead } = await f.read(Buffer.alloc(size - start), 0, size - start, start);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
    } finally {
      await f.close();
    }
  }

  async resources(): Promise<VmResources> {
    return (await loadSettings(this.opts.settingsFile)).settings.vm;
  }

  async updateResources(patch: Partial<VmResources>): Promise<VmResources> {
    const next = await updateSettings(this.opts.settingsFile, (s) => {
      if (patch.diskGiB !== undefined && patch.diskGiB < s.vm.diskGiB) {
        throw new BerthError('INVALID_ARGUMENT', `The VM disk cannot shrink (it is ${s.vm.diskGiB} GiB).`, { hint: 'Choose the same size or a bigger one.' });
      }
      return { ...s, vm: { ...s.vm, ...patch } };
    });
    return next.vm;
  }

  dispose(): void {
    this.unwatch();
  }
}
