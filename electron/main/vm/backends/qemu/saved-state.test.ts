import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../../../paths';
import { diskStamp, dropState, readRecord, stateBytes, whyCold, writeRecord, type StateNeeds, type StateRecord } from './saved-state';

const dir = mkdtempSync(join(tmpdir(), 'berth-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const needs: StateNeeds = { image: 'abc', files: 'k,i,r', boot: 'pvh', cpus: 2, memoryMiB: 2048, diskGiB: 64, accel: 'tcg', qemu: '/usr/bin/qemu:1:2' };
const disk = { size: 1000, mtimeMs: 5, ino: 7 };
const saved = (more: Partial<StateNeeds> = {}): StateRecord => ({ phase: 'saved', ...needs, ...more, disk, bytes: 300, savedAt: 'then' });

describe('whether a saved state may be restored', () => {
  it('only when everything it needs is the same; otherwise why not, in words', () => {
    expect(whyCold(saved(), needs, disk, 300)).toBeUndefined();
    expect(whyCold(undefined, needs, disk, undefined)).toBe('quiet'); // a first start: nothing to say
    const cases: Array<[StateRecord, string, typeof disk | undefined, number | undefined]> = [
      [{ phase: 'running', at: '' }, 'the VM was not stopped by Berth last time (it crashed or was ended), so no state was saved', disk, 300],
      [{ phase: 'saving', at: '' }, "the last stop did not finish saving the VM's state", disk, 300],
      [{ phase: 'restoring', at: '' }, 'the last start did not finish restoring the saved state', disk, 300],
      [
        { phase: 'stopped', reason: 'the shared folder /home/me is in use in the VM', at: '' },
        "the last stop could not save the VM's state (the shared folder /home/me is in use in the VM)",
        disk,
        300,
      ],
      [saved({ image: 'other' }), 'the saved state is from another image build', disk, 300],
      [saved({ files: 'k,i,other' }), 'the saved state is from another image build', disk, 300],
      [saved({ boot: 'bzimage' }), 'the saved state is from another image build', disk, 300],
      [saved({ cpus: 4 }), 'the saved state has 4 CPUs and 2048 MiB of memory, the settings now 2 and 2048 MiB', disk, 300],
      [saved({ memoryMiB: 4096 }), 'the saved state has 2 CPUs and 4096 MiB of memory, the settings now 2 and 2048 MiB', disk, 300],
      [saved({ diskGiB: 32 }), "the data disk's size changed (32 GiB then, 64 GiB now)", disk, 300],
      [saved({ accel: 'kvm' }), 'the saved state was made with kvm, this start uses tcg', disk, 300],
      [saved({ qemu: '/usr/bin/qemu:1:3' }), 'QEMU changed since the state was saved', disk, 300],
      [saved(), 'the data disk changed since the state was saved', { ...disk, mtimeMs: 6 }, 300],
      [saved(), 'the data disk changed since the state was saved', undefined, 300],
      [saved(), 'the saved state file is missing or incomplete', disk, 299],
      [saved(), 'the saved state file is missing or incomplete', disk, undefined],
    ];
    for (const [record, words, d, bytes] of cases) expect(whyCold(record, needs, d, bytes)).toBe(words);
  });

  it('keeps its record and state in the VM folder, written whole', () => {
    const env = { BERTH_HOME: join(dir, 'home') };
    mkdirSync(paths.vm(env), { recursive: true });
    expect(readRecord(env)).toBeUndefined();
    writeRecord(env, saved());
    expect(readRecord(env)).toEqual(saved());
    writeFileSync(paths.vmSavedStateRecord(env), '{not json');
    expect(readRecord(env)).toBeUndefined();
    expect(stateBytes(env)).toBeUndefined();
    writeFileSync(paths.vmSavedState(env), Buffer.alloc(300));
    expect(stateBytes(env)).toBe(300);
    dropState(env);
    expect(stateBytes(env)).toBeUndefined();
    expect(diskStamp(join(dir, 'nothing'))).toBeUndefined();
    expect(readdirSync(paths.vm(env)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
