import { beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../electron/shared/wire';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { addRow, commandPreview, emptyForm, formToSpec, loadEnvFile, openRunDialog, setRow, submitRun, updateForm, useRunForm } from './run-form';
import { useUi } from './ui';

let t: FakeTransport;
let answer: () => Reply;
beforeEach(() => {
  answer = () => ({ ok: true, value: { id: 'c1', name: 'web' } });
  t = fakeTransport(() => answer());
  connectApi(t);
  useUi.setState({ toasts: [], dialog: undefined });
});

describe('run form -> spec', () => {
  it('converts typed text: args, numbers, sizes, capabilities; skips blank rows', () => {
    const f = {
      ...emptyForm('nginx'),
      name: ' web ',
      command: `sh -c 'echo "hi"'`,
      ports: [{ hostIp: '', hostPort: '8080', containerPort: '80', protocol: 'tcp' as const }, { hostIp: '127.0.0.1', hostPort: '', containerPort: '', protocol: 'tcp' as const }],
      mounts: [{ type: 'tmpfs' as const, source: '', target: '/run', readOnly: false, size: '64m' }, { type: 'volume' as const, source: '', target: '/data', readOnly: true, size: '' }],
      env: [{ key: 'A', value: '1' }, { key: '', value: '' }],
      labels: [{ key: 'team', value: 'web' }],
      restart: 'on-failure' as const,
      maxRetries: '2',
      cpus: '1.5',
      memory: '512m',
      capAdd: 'NET_ADMIN, SYS_TIME',
    };
    expect(formToSpec(f)).toEqual({
      spec: expect.objectContaining({
        image: 'nginx',
        name: 'web',
        command: ['sh', '-c', 'echo "hi"'],
        ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
        mounts: [{ type: 'tmpfs', target: '/run', sizeBytes: 64 * 1024 * 1024 }, { type: 'volume', target: '/data', readOnly: true }],
        env: [{ key: 'A', value: '1' }],
        labels: { team: 'web' },
        maxRetries: 2,
        cpus: 1.5,
        memoryBytes: 512 * 1024 * 1024,
        capAdd: ['NET_ADMIN', 'SYS_TIME'],
      }),
    });
  });

  it.each<[Partial<ReturnType<typeof emptyForm>>, RegExp]>([
    [{ image: '' }, /image: is required/],
    [{ command: `echo 'x` }, /Command: unclosed ' quote/],
    [{ cpus: 'two' }, /CPUs must be a number/],
    [{ memory: 'lots' }, /not a size/],
    [{ ports: [{ hostIp: '', hostPort: '80a', containerPort: '80', protocol: 'tcp' }] }, /Port 1: host port must be a number/],
    [{ ports: [{ hostIp: '', hostPort: '8080', containerPort: '', protocol: 'tcp' }] }, /ports\.0\.containerPort/],
    [{ mounts: [{ type: 'volume', source: 'data', target: '', readOnly: false, size: '' }] }, /Volume 1: the container path is required/],
    [{ name: 'my app' }, /name: must start/],
  ])('explains %o', (patch, reason) => {
    expect(formToSpec({ ...emptyForm('nginx'), ...patch })).toEqual({ error: expect.stringMatching(reason) });
  });

  it('previews the docker run command once the form is valid', () => {
    expect(commandPreview({ ...emptyForm('nginx'), name: 'web', autoRemove: true })).toEqual({ command: 'docker run -d --rm --name web nginx' });
    expect(commandPreview(emptyForm(''))).toHaveProperty('error');
  });
});

describe('run form actions', () => {
  it('rows are added, edited and env files merged by key', () => {
    openRunDialog('nginx');
    expect(useUi.getState().dialog).toEqual({ kind: 'run' });
    addRow('env');
    setRow('env', 0, { key: 'A', value: 'old' });
    loadEnvFile('# comment\nA=new\nB=2\n');
    expect(useRunForm.getState().form.env).toEqual([{ key: 'A', value: 'new' }, { key: 'B', value: '2' }]);
    loadEnvFile('1BAD=x');
    expect(useRunForm.getState().error).toMatch(/Env file: line 1/);
  });

  it('an invalid form is explained without calling the API', async () => {
    openRunDialog('');
    await submitRun();
    expect(useRunForm.getState().error).toMatch(/image: is required/);
    expect(t.calls).toEqual([]);
  });

  it('a refused run keeps the dialog and the input; a good one closes it', async () => {
    openRunDialog('nginx');
    updateForm({ name: 'web' });
    answer = () => ({ ok: false, error: { code: 'CONFLICT', message: 'Host port 127.0.0.1:8080/tcp is already in use' } });
    await submitRun();
    expect(useRunForm.getState()).toMatchObject({ busy: false, error: 'Host port 127.0.0.1:8080/tcp is already in use', form: { image: 'nginx', name: 'web' } });
    expect(useUi.getState().dialog).toEqual({ kind: 'run' });
    answer = () => ({ ok: true, value: { id: 'c1', name: 'web' } });
    await submitRun();
    expect(useUi.getState().dialog).toBeUndefined();
    expect(useUi.getState().toasts.map((x) => x.title)).toEqual(['Started web']);
    expect(t.calls.at(-1)).toMatchObject({ method: 'containers.run', args: { image: 'nginx', name: 'web' } });
  });
});
