import { beforeEach, describe, expect, it } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { cancelJob, resetJob } from './image-jobs';
import {
  addSecretRow,
  buildRequest,
  removeSecretRow,
  updateSecretRow,
  formReady,
  parseBuildArgs,
  parseTags,
  resetImageJobForm,
  submitImageJob,
  updateImageJobForm,
  useImageJobForm,
} from './image-job-form';

let t: FakeTransport;

beforeEach(() => {
  t = fakeTransport(() => undefined);
  connectApi(t);
  cancelJob();
  resetJob();
  resetImageJobForm();
});

describe('image job form', () => {
  it('reads build args a line each, the value all after the first =, blank lines skipped', () => {
    expect(parseBuildArgs('FLAVOUR=mint\n\n  URL=http://x/?a=1&b=2  \nEMPTY=\n')).toEqual({ FLAVOUR: 'mint', URL: 'http://x/?a=1&b=2', EMPTY: '' });
    expect(parseBuildArgs('')).toEqual({});
    expect(parseBuildArgs('A=1\nA=2')).toEqual({ A: '2' }); // the last one wins, as with --build-arg
  });

  it('reads tags separated by spaces, commas or both', () => {
    expect(parseTags(' app:dev, app:1.2\nreg:5000/app ,, ')).toEqual(['app:dev', 'app:1.2', 'reg:5000/app']);
    expect(parseTags('   ')).toEqual([]);
  });

  it('builds with the trimmed fields, leaving blank optional ones out', () => {
    resetImageJobForm();
    updateImageJobForm({ context: ' /home/me/app ', tags: 'app:dev', buildArgs: 'A=1', noCache: true });
    expect(buildRequest(useImageJobForm.getState())).toEqual({ context: '/home/me/app', tags: ['app:dev'], buildArgs: { A: '1' }, noCache: true, secrets: [] });
    updateImageJobForm({ dockerfile: ' docker/Dockerfile.dev ', target: ' test ' });
    expect(buildRequest(useImageJobForm.getState())).toMatchObject({ dockerfile: 'docker/Dockerfile.dev', target: 'test' });
  });

  it('sends each secret typed or as a file, rows without an id left out', () => {
    resetImageJobForm();
    addSecretRow();
    addSecretRow();
    addSecretRow();
    updateSecretRow(0, { id: ' npm ', value: ' tok en ' });
    updateSecretRow(1, { id: 'key', from: 'file', value: ' /home/me/key ' });
    removeSecretRow(2);
    addSecretRow(); // blank: not sent
    expect(buildRequest(useImageJobForm.getState()).secrets).toEqual([
      { id: 'npm', value: ' tok en ' },
      { id: 'key', file: '/home/me/key' },
    ]);
  });

  it('is ready once it names what its job needs', () => {
    const f = useImageJobForm.getState;
    expect(formReady('pull', f())).toBe(false);
    expect(formReady('build', f())).toBe(false);
    expect(formReady('load', f())).toBe(false);
    updateImageJobForm({ ref: '  ', context: ' ' });
    expect(formReady('pull', f())).toBe(false);
    expect(formReady('build', f())).toBe(false);
    updateImageJobForm({ ref: 'alpine:3', context: '/app', file: new File(['x'], 'images.tar') });
    expect(['pull', 'push', 'save', 'build', 'load'].map((k) => formReady(k as never, f()))).toEqual([true, true, true, true, true]);
  });

  it('opens fresh with the reference it was opened for', () => {
    updateImageJobForm({ context: '/old', buildArgs: 'A=1', noCache: true, secrets: [{ id: 'x', from: 'typed', value: 'v' }] });
    resetImageJobForm('registry:5000/team/app:v1');
    expect(useImageJobForm.getState()).toEqual({ ref: 'registry:5000/team/app:v1', context: '', dockerfile: '', tags: '', buildArgs: '', target: '', noCache: false, secrets: [] });
  });

  it('starts the build with what the form says', () => {
    updateImageJobForm({ context: '/app', tags: 'a:1 b:2', buildArgs: 'FLAVOUR=mint' });
    void submitImageJob('build');
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'stream', name: 'images.build', args: { context: '/app', tags: ['a:1', 'b:2'], buildArgs: { FLAVOUR: 'mint' }, noCache: false } });
  });

  it('pulls the trimmed reference', () => {
    updateImageJobForm({ ref: ' alpine:3 ' });
    void submitImageJob('pull');
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'stream', name: 'images.pull', args: { ref: 'alpine:3' } });
  });
});
