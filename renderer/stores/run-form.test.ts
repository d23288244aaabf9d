import { beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../electron/shared/wire';
import { runSpec } from '../../electron/shared/run-spec';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { addRow, openRunDialog, pickEnvFile, removeEnvFile, removeRow, setRow, submitRun, updateForm, useRunForm } from './run-form';
import { commandPreview, emptyForm, formToSpec, specToForm } from './run-form-spec';
import { useUi } from './ui';

let t: FakeTransport;
const bytes = (s: string) => new TextEncoder().encode(s);

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
      ports: [
        { hostIp: '', hostPort: '8080', containerPort: '80', protocol: 'tcp' as const },
        { hostIp: '127.0.0.1', hostPort: '', containerPort: '', protocol: 'tcp' as const },
      ],
      mounts: [
        { type: 'tmpfs' as const, source: '', target: '/run', readOnly: false, size: '64m' },
        { type: 'volume' as const, source: '', target: '/data', readOnly: true, size: '' },
      ],
      env: [
        { key: 'A', value: '1' },
        { key: '', value: '' },
      ],
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
        mounts: [
          { type: 'tmpfs', target: '/run', sizeBytes: 64 * 1024 * 1024 },
          { type: 'volume', target: '/data', readOnly: true },
        ],
        env: [{ key: 'A', value: '1' }],
        labels: { team: 'web' },
        maxRetries: 2,
        cpus: 1.5,
        memoryBytes: 512 * 1024 * 1024,
        capAdd: ['NET_ADMIN', 'SYS_TIME'],
      }),
    });
  });

  const port = (hostPort: string, containerPort: string, hostIp = '') => ({ hostIp, hostPort, containerPort, protocol: 'tcp' as const });
  const blankPort = port('', '');
  it.each<[Partial<ReturnType<typeof emptyForm>>, RegExp, string | undefined]>([
    [{ image: '' }, /^Image: is required$/, 'image'],
    [{ command: `echo 'x` }, /^Command: unclosed ' quote$/, 'command'],
    [{ cpus: 'two' }, /^CPUs: must be a number$/, 'cpus'],
    [{ memory: 'lots' }, /^Memory: "lots" is not a size/, 'memory'],
    [{ memory: '1k' }, /^Memory: must be at least/, 'memory'],
    [{ ports: [port('80a', '80')] }, /^Port 1 host port: must be a number$/, 'ports.0.hostPort'],
    [{ ports: [port('8080', '')] }, /^Port 1 container port: is required$/, 'ports.0.containerPort'],
    // blank rows are skipped, yet the field named is the row the user sees
    [{ ports: [blankPort, port('8080', '99999')] }, /^Port 2 container port: must be 1-65535$/, 'ports.1.containerPort'],
    [{ ports: [port('8080', '80', '999.1.1.1')] }, /^Port 1 host IP: /, 'ports.0.hostIp'],
    [{ ports: [port('8080', '80'), blankPort, port('8080', '81')] }, /^Port 3 host port: the same host port is published twice$/, 'ports.2.hostPort'],
    [{ mounts: [{ type: 'volume', source: 'data', target: '', readOnly: false, size: '' }] }, /^Volume 1 container path: is required$/, 'mounts.0.target'],
    [{ mounts: [{ type: 'bind', source: 'rel/path', target: '/x', readOnly: false, size: '' }] }, /^Volume 1 source: must be an absolute path/, 'mounts.0.source'],
    [{ mounts: [{ type: 'tmpfs', source: '', target: '/t', readOnly: false, size: 'big' }] }, /^Volume 1 size: "big" is not a size/, 'mounts.0.size'],
    [
      {
        mounts: [
          { type: 'volume', source: '', target: '/data', readOnly: false, size: '' },
          { type: 'bind', source: '/s', target: '/data/', readOnly: false, size: '' },
        ],
      },
      /^Volume 2 container path: two mounts share a container path$/,
      'mounts.1.target',
    ],
    [
      {
        env: [
          { key: 'OK', value: '1' },
          { key: '', value: '' },
          { key: '1BAD', value: 'x' },
        ],
      },
      /^Variable 3 name: must be a variable name$/,
      'env.2.key',
    ],
    [{ name: 'my app' }, /^Name: must start/, 'name'],
    [{ workdir: 'relative' }, /^Working directory: must be an absolute path/, 'workdir'],
    [{ autoRemove: true, restart: 'always' }, /^Restart: --rm cannot be combined/, 'restart'],
    [{ capAdd: 'net admin' }, /^Add capabilities: must be a capability name/, 'capAdd'],
    [{ hostname: 'no_underscores' }, /^Hostname: must be letters/, 'hostname'],
    [{ hostname: 'h'.repeat(65) }, /^Hostname: must be at most 64 characters/, 'hostname'],
    [{ network: 'host', hostname: 'box' }, /^Hostname: with network host/, 'hostname'],
    [{ network: 'none', ports: [port('8080', '80')] }, /^Network: publishes no ports/, 'network'],
    [{ addHosts: 'db.local' }, /^Add hosts: "db.local" is not name:ip/, 'addHosts'],
    [{ addHosts: 'db.local:10.0.0.1 x:nope' }, /^Add hosts: /, 'addHosts'],
    [{ devices: 'dev/fuse' }, /^Devices: must be an absolute path/, 'devices'],
    [{ devices: '/dev/a:/dev/b:rwm:x' }, /^Devices: "\/dev\/a:\/dev\/b:rwm:x" is not host-path/, 'devices'],
    [{ devices: '/dev/a:/dev/b:q' }, /^Devices: must be some of r, w and m/, 'devices'],
    [{ healthCmd: 'true', healthInterval: 'often' }, /^Health check interval: "often" is not a duration/, 'healthInterval'],
    [{ healthCmd: 'true', healthRetries: '0' }, /^Health check retries: must be at least 1/, 'healthRetries'],
    [{ healthCmd: 'true', healthTimeout: '0s' }, /^Health check timeout: must be at least 1ms/, 'healthTimeout'],
    [{ healthInterval: '5s' }, /^Health check interval: needs a health check command/, 'healthInterval'],
    [{ healthCmd: 'true', noHealthcheck: true }, /^Health check command: a health check cannot be both/, 'healthCmd'],
  ])('explains %o at its field', (patch, reason, field) => {
    const r = formToSpec({ ...emptyForm('nginx'), ...patch });
    expect(r).toEqual(field ? { error: expect.stringMatching(reason), field } : { error: expect.stringMatching(reason) });
  });

  it('reads the health check, hosts, devices, privileged and the pull policy', () => {
    const f = {
      ...emptyForm('nginx'),
      hostname: 'box',
      addHosts: 'db.local:10.0.0.5, v6=[::1] gw:host-gateway',
      devices: '/dev/fuse /dev/snd:/dev/sound:rw /dev/sda:r',
      privileged: true,
      pull: 'never' as const,
      healthCmd: ' curl -f http://localhost/ || exit 1 ',
      healthInterval: '5s',
      healthTimeout: '1500ms',
      healthRetries: '4',
      healthStartPeriod: '1m',
    };
    expect(formToSpec(f)).toEqual({
      spec: expect.objectContaining({
        hostname: 'box',
        addHosts: [
          { host: 'db.local', ip: '10.0.0.5' },
          { host: 'v6', ip: '::1' },
          { host: 'gw', ip: 'host-gateway' },
        ],
        devices: [{ host: '/dev/fuse' }, { host: '/dev/snd', container: '/dev/sound', permissions: 'rw' }, { host: '/dev/sda', permissions: 'r' }],
        privileged: true,
        pull: 'never',
        health: { command: 'curl -f http://localhost/ || exit 1', intervalMs: 5000, timeoutMs: 1500, retries: 4, startPeriodMs: 60_000 },
        noHealthcheck: false,
      }),
    });
    expect(commandPreview(f)).toEqual({
      command:
        "docker run -d --hostname box --add-host db.local:10.0.0.5 --add-host v6:::1 --add-host gw:host-gateway --privileged --device /dev/fuse --device /dev/snd:/dev/sound:rw --device /dev/sda:/dev/sda:r --pull=never --health-cmd 'curl -f http://localhost/ || exit 1' --health-interval 5s --health-timeout 1500ms --health-retries 4 --health-start-period 1m nginx",
    });
    expect(formToSpec({ ...emptyForm('nginx'), network: 'host' })).toEqual({ spec: expect.objectContaining({ network: 'host', health: undefined }) });
  });

  it('a spec shown in the form reads back as the same spec (run again)', () => {
    const spec = runSpec.parse({
      image: 'nginx:1.27',
      command: ['sh', '-c', "echo 'hi there'"],
      entrypoint: ['/docker-entrypoint.sh'],
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80 },
        { hostIp: '::1', containerPort: 53, protocol: 'udp' },
      ],
      mounts: [
        { type: 'volume', source: 'data', target: '/data', readOnly: true },
        { type: 'volume', target: '/anon' },
        { type: 'bind', source: '/srv', target: '/srv' },
        { type: 'tmpfs', target: '/run', sizeBytes: 64 * 2 ** 20 },
      ],
      env: [{ key: 'A', value: 'x = y' }],
      labels: { team: 'web' },
      network: 'front',
      restart: 'on-failure',
      maxRetries: 3,
      interactive: true,
      tty: true,
      cpus: 0.5,
      memoryBytes: 3 * 2 ** 30,
      user: '1000:1000',
      workdir: '/w',
      readOnly: true,
      capAdd: ['NET_ADMIN', 'SYS_TIME'],
      capDrop: ['ALL'],
      init: true,
      hostname: 'box',
      addHosts: [
        { host: 'db', ip: '10.0.0.5' },
        { host: 'v6', ip: '::1' },
        { host: 'gw', ip: 'host-gateway' },
      ],
      privileged: true,
      devices: [{ host: '/dev/fuse' }, { host: '/dev/snd', container: '/dev/sound' }, { host: '/dev/sda', permissions: 'r' }],
      pull: 'always',
      health: { command: 'curl -f http://localhost/', intervalMs: 1500, timeoutMs: 90_000, retries: 4, startPeriodMs: 500 },
    });
    const back = formToSpec(specToForm(spec));
    expect('spec' in back && runSpec.parse(back.spec)).toEqual(spec);
    expect(formToSpec(specToForm(runSpec.parse({ image: 'x', entrypoint: [''] })))).toEqual({ spec: expect.objectContaining({ entrypoint: [''] }) });
    expect(formToSpec(specToForm(runSpec.parse({ image: 'x', noHealthcheck: true })))).toEqual({ spec: expect.objectContaining({ image: 'x', noHealthcheck: true, health: undefined }) });
  });

  it('previews the docker run command once the form is valid', () => {
    expect(commandPreview({ ...emptyForm('nginx'), name: 'web', autoRemove: true })).toEqual({ command: 'docker run -d --rm --name web nginx' });
    expect(commandPreview(emptyForm(''))).toHaveProperty('error');
  });
});

describe('run form actions', () => {
  it('rows are added, edited and a good env file merged by key', () => {
    openRunDialog('nginx');
    expect(useUi.getState().dialog).toEqual({ kind: 'run' });
    addRow('env');
    setRow('env', 0, { key: 'A', value: 'old' });
    pickEnvFile('app.env', bytes('# comment\nA=new\nB=2\n'));
    expect(useRunForm.getState()).toMatchObject({
      form: {
        env: [
          { key: 'A', value: 'new' },
          { key: 'B', value: '2' },
        ],
      },
      envFile: { name: 'app.env', added: 2, problems: [] },
      error: undefined,
    });
  });

  it('a bad env file adds nothing, names its lines, and holds Run back until it is removed', async () => {
    openRunDialog('nginx');
    pickEnvFile('bad.env', bytes('GOOD=1\nexport X=1\nFLAG\n'));
    const s = useRunForm.getState();
    expect(s.form.env).toEqual([]);
    expect(s.envFile?.problems).toEqual([expect.stringMatching(/^line 2: "export X=1"/), expect.stringMatching(/^line 3: "FLAG" has no "="/)]);
    expect(s.error).toMatchObject({ field: 'envFile', message: 'bad.env was not loaded: none of its variables were added.' });

    const seq = useRunForm.getState().errorSeq;
    await submitRun();
    expect(t.calls).toEqual([]); // refused before anything is sent
    expect(useRunForm.getState().error).toMatchObject({ field: 'envFile', message: expect.stringMatching(/^bad\.env has errors/), hint: expect.stringMatching(/pick the file again, or remove it/) });
    expect(useRunForm.getState().errorSeq).toBe(seq + 1); // a new refusal, focused again

    pickEnvFile('bad.env', new Uint8Array([0x41, 0x3d, 0, 0xff]));
    expect(useRunForm.getState().envFile?.problems).toEqual([expect.stringMatching(/not a text file/)]);

    removeEnvFile();
    expect(useRunForm.getState()).toMatchObject({ envFile: undefined, error: undefined });
    await submitRun();
    expect(t.calls).toEqual([expect.objectContaining({ method: 'containers.run' })]);
  });

  it('editing the field a refusal is about takes it away; editing another keeps it', async () => {
    openRunDialog('nginx');
    addRow('ports');
    addRow('ports');
    setRow('ports', 1, { hostPort: 'x', containerPort: '80' });
    await submitRun();
    expect(useRunForm.getState().error?.field).toBe('ports.1.hostPort');
    updateForm({ name: 'web' });
    setRow('ports', 0, { containerPort: '81' });
    expect(useRunForm.getState().error?.field).toBe('ports.1.hostPort');
    setRow('ports', 1, { hostPort: '8080' });
    expect(useRunForm.getState().error).toBeUndefined();
    updateForm({ memory: 'x' });
    await submitRun();
    updateForm({ memory: '64m' });
    expect(useRunForm.getState().error).toBeUndefined();
    setRow('ports', 1, { hostPort: 'y' });
    await submitRun();
    removeRow('ports', 0); // the row moved up: its refusal no longer points at it
    expect(useRunForm.getState().error).toBeUndefined();
  });

  it('an invalid form is explained without calling the API', async () => {
    openRunDialog('');
    await submitRun();
    expect(useRunForm.getState().error).toEqual({ message: 'Image: is required', field: 'image' });
    expect(t.calls).toEqual([]);
  });

  it('a refused run keeps the dialog and the input; a good one closes it', async () => {
    openRunDialog('nginx');
    updateForm({ name: 'web' });
    addRow('ports');
    setRow('ports', 0, { hostPort: '8080', containerPort: '80' });
    answer = () => ({ ok: false, error: { code: 'CONFLICT', message: 'Host port 127.0.0.1:8080/tcp is already in use', hint: 'Choose another host port.' } });
    await submitRun();
    expect(useRunForm.getState()).toMatchObject({
      busy: false,
      error: { message: 'Host port 127.0.0.1:8080/tcp is already in use', hint: 'Choose another host port, or leave it empty to let the engine pick a free one.', field: 'ports.0.hostPort' },
      form: { image: 'nginx', name: 'web' },
    });
    answer = () => ({
      ok: false,
      error: { code: 'CONFLICT', message: 'Conflict. The container name "/web" is already in use by container "abc".', hint: 'Pick another name, or remove the one that has it.' },
    });
    await submitRun();
    expect(useRunForm.getState().error).toEqual({ message: expect.stringMatching(/already in use/), hint: 'Choose another name, or leave it empty to get a generated one.', field: 'name' }); // the field's own hint
    answer = () => ({ ok: false, error: { code: 'ENGINE_ERROR', message: 'OCI runtime create failed: something odd' } });
    await submitRun();
    expect(useRunForm.getState().error).toEqual({ message: 'OCI runtime create failed: something odd', hint: expect.stringMatching(/engine refused/) }); // no field: beside Run
    expect(useUi.getState().dialog).toEqual({ kind: 'run' });
    answer = () => ({ ok: true, value: { id: 'c1', name: 'web' } });
    await submitRun();
    expect(useUi.getState().dialog).toBeUndefined();
    expect(useUi.getState().toasts.map((x) => x.title)).toEqual(['Started web']);
    expect(t.calls.at(-1)).toMatchObject({ method: 'containers.run', args: { image: 'nginx', name: 'web' } });
  });
});
