import { beforeEach, describe, expect, it } from 'vitest';
import type { VolumeSummary } from '../../electron/shared/models';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { endJob, useJobs } from './jobs';
import { volumes } from './resources';
import { startClone, startImport } from './volume-transfers';

let t: FakeTransport;
const volume = (name: string): VolumeSummary => ({ name, driver: 'local', mountpoint: `/v/${name}`, labels: {}, inUse: false, usedBy: [] });
const streams = () => t.streamMessages.filter((m) => m.t === 'stream');

beforeEach(() => {
  for (const j of useJobs.getState().jobs) endJob(j.id, { cancelled: true });
  useJobs.setState({ jobs: [] });
  t = fakeTransport(() => undefined);
  connectApi(t);
  volumes.use.setState({ items: [volume('data'), volume('data-copy')] });
});

describe('volume dialogs submit through the store', () => {
  it('clone: a name the engine has is refused in words and starts nothing; a free one starts the clone, trimmed', () => {
    expect(startClone('data', 'data-copy')).toBe('A volume named data-copy already exists: choose another name.');
    expect(startClone('data', '  ')).toBe('The volume name is needed.');
    expect(streams()).toEqual([]);
    expect(startClone('data', ' data-2 ', 4096)).toBeUndefined();
    expect(streams()).toMatchObject([{ name: 'volumes.clone', args: { name: 'data', to: 'data-2' } }]);
    expect(useJobs.getState().jobs).toMatchObject([{ kind: 'volume-clone', status: 'running' }]);
  });

  it('import: needs a name and a non-empty file, then starts the import into that volume', () => {
    expect(startImport('fresh')).toBe('Choose a tar file to import.');
    expect(startImport('fresh', new File([], 'empty.tar'))).toBe('empty.tar is empty: choose a tar archive, such as one Export made.');
    expect(startImport('', new File(['x'], 'a.tar'))).toBe('The volume name is needed.');
    expect(streams()).toEqual([]);
    expect(startImport(' fresh ', new File(['tar bytes'], 'a.tar'))).toBeUndefined();
    expect(streams()).toMatchObject([{ name: 'volumes.import', args: { name: 'fresh', size: 9 } }]);
  });
});
