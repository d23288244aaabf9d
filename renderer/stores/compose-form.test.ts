import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { cancelCompose } from './compose';
import {
  addComposeFile,
  composeFormReady,
  moveComposeFile,
  PROFILES_DELAY_MS,
  removeComposeFile,
  resetComposeForm,
  setComposeEnvFile,
  setComposeFile,
  submitComposeUp,
  toggleComposeProfile,
  updateComposeForm,
  upRequest,
  useComposeForm,
} from './compose-form';

let t: FakeTransport;
let profiles: Record<string, string[] | string>; // by the files joined with a comma: the profiles, or an error's words

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  cancelCompose();
  profiles = {};
  t = fakeTransport((method, args) => {
    if (method !== 'compose.profiles') return { ok: true, value: undefined };
    const a = profiles[(args as { files: string[] }).files.join(',')] ?? [];
    return typeof a === 'string' ? { ok: false, error: { code: 'COMMAND_FAILED', message: a } } : { ok: true, value: a };
  });
  connectApi(t);
});
afterEach(() => vi.useRealTimers());

const flush = async () => {
  vi.advanceTimersByTime(PROFILES_DELAY_MS);
  await vi.waitFor(() => expect(useComposeForm.getState().loadingProfiles).toBe(false));
};

describe('the compose up form', () => {
  it('keeps the files in order; profiles are read once typing pauses and ticked ones the files drop are unticked', async () => {
    profiles['/a/compose.yaml'] = ['debug'];
    profiles['/a/compose.yaml,/a/dev.yaml'] = ['debug', 'tools'];
    profiles['/a/dev.yaml,/a/compose.yaml'] = ['tools'];
    resetComposeForm(undefined, '/a/compose.yaml');
    await flush();
    expect(useComposeForm.getState().profiles).toEqual(['debug']);
    toggleComposeProfile('debug');
    addComposeFile();
    setComposeFile(1, '/a/dev');
    setComposeFile(1, '/a/dev.yaml');
    expect(useComposeForm.getState().profiles).toBeUndefined(); // the files changed: not read yet
    await flush();
    expect(t.calls.filter((c) => c.method === 'compose.profiles').map((c) => c.args)).toEqual([{ files: ['/a/compose.yaml'] }, { files: ['/a/compose.yaml', '/a/dev.yaml'] }]); // once per pause
    expect(useComposeForm.getState()).toMatchObject({ profiles: ['debug', 'tools'], chosen: ['debug'] });
    moveComposeFile(1, -1);
    await flush();
    expect(useComposeForm.getState()).toMatchObject({ files: ['/a/dev.yaml', '/a/compose.yaml'], profiles: ['tools'], chosen: [] });
    moveComposeFile(0, -1); // already first: nothing moves
    expect(useComposeForm.getState().files).toEqual(['/a/dev.yaml', '/a/compose.yaml']);
    removeComposeFile(0);
    removeComposeFile(0);
    expect(useComposeForm.getState().files).toEqual(['']); // always one row
    expect(composeFormReady(useComposeForm.getState())).toBe(false);
  });

  it('says why the profiles cannot be read, and reads them again with the env file', async () => {
    profiles['/a/bad.yaml'] = 'The compose files do not load: /a/bad.yaml: yaml: line 2: mapping values are not allowed';
    resetComposeForm(undefined, '/a/bad.yaml');
    await flush();
    expect(useComposeForm.getState()).toMatchObject({ profiles: undefined, profilesError: expect.stringContaining('/a/bad.yaml: yaml: line 2') });
    setComposeEnvFile('/a/.env');
    expect(useComposeForm.getState().profilesError).toBeUndefined();
    await flush();
    expect(t.calls.at(-1)).toMatchObject({ method: 'compose.profiles', args: { files: ['/a/bad.yaml'], envFile: '/a/.env' } });
  });

  it('starts the up with blank rows and fields left out', () => {
    resetComposeForm(undefined, ' /a/compose.yaml ');
    addComposeFile();
    addComposeFile();
    setComposeFile(2, '/a/-dev file.yaml');
    updateComposeForm({ build: true, project: ' shop ' });
    useComposeForm.setState({ chosen: ['debug'] });
    expect(upRequest(useComposeForm.getState())).toEqual({ files: ['/a/compose.yaml', '/a/-dev file.yaml'], project: 'shop', profiles: ['debug'], build: true });
    void submitComposeUp();
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'stream', name: 'compose.up', args: { files: ['/a/compose.yaml', '/a/-dev file.yaml'], project: 'shop', profiles: ['debug'], build: true } });
    cancelCompose();
  });

  it('reopened on a running up, shows what it was started with', () => {
    resetComposeForm({ files: ['/a/x.yaml', '/a/y.yaml'], envFile: '/a/.env', profiles: ['tools'], build: true, project: 'p' });
    expect(useComposeForm.getState()).toMatchObject({ files: ['/a/x.yaml', '/a/y.yaml'], envFile: '/a/.env', chosen: ['tools'], build: true, project: 'p' });
  });
});
