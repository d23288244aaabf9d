import { readFileSync, writeFileSync } from 'node:fs';
import { tempDir } from '../support/temp';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { freePort } from '../support/ports';
import { TEST_IMAGE } from '../support/test-image';
import { startRegistry } from '../support/registry';

const docker = engine();
const { call } = connectedCore();
const inspect = (name: string) => JSON.parse(docker.cli(['inspect', name]))[0];
const allContainers = () => docker.cli(['ps', '-aq', '--no-trunc']).split('\n').filter(Boolean).sort();

describe('run a container through the API', () => {
  it('applies every flag (checked with docker inspect) and serves on the published port', async () => {
    const name = uniq('run-all');
    const net = uniq('run-net');
    const vol = uniq('run-vol');
    docker.cli(['network', 'create', net]);
    const dir = tempDir('bind');
    writeFileSync(join(dir, 'index.html'), 'hello from the host\n');
    const port = await freePort();
    const reply = await call('containers.run', {
      image: TEST_IMAGE,
      name,
      entrypoint: ['/bin/httpd'],
      command: ['-f', '-p', '8080', '-h', '/www'],
      ports: [
        { hostPort: port, containerPort: 8080 },
        { containerPort: 9999, protocol: 'udp' },
      ],
      mounts: [
        { type: 'bind', source: dir, target: '/www', readOnly: true },
        { type: 'volume', source: vol, target: '/data' },
        { type: 'volume', target: '/anon' },
        { type: 'tmpfs', target: '/scratch', sizeBytes: 1048576 },
      ],
      env: [{ key: 'GREETING', value: 'hello world' }],
      network: net,
      restart: 'on-failure',
      maxRetries: 3,
      interactive: true,
      tty: true,
      cpus: 0.5,
      memoryBytes: 64 * 1024 * 1024,
      user: '0:0',
      workdir: '/tmp',
      labels: { team: 'berth' },
      readOnly: true,
      capAdd: ['NET_ADMIN'],
      capDrop: ['MKNOD'],
      init: true,
    });
    expect(reply).toMatchObject({ ok: true, value: { name } });
    const c = inspect(name);
    expect(c.State.Status).toBe('running');
    expect(c.Config.Entrypoint).toEqual(['/bin/httpd']);
    expect(c.Config.Cmd).toEqual(['-f', '-p', '8080', '-h', '/www']);
    expect(c.Config.Env).toContain('GREETING=hello world');
    expect([c.Config.Tty, c.Config.OpenStdin, c.Config.User, c.Config.WorkingDir]).toEqual([true, true, '0:0', '/tmp']);
    expect(c.Config.Labels).toMatchObject({ team: 'berth' });
    expect(c.HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }], '9999/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(c.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect([c.HostConfig.NanoCpus, c.HostConfig.Memory, c.HostConfig.ReadonlyRootfs, c.HostConfig.Init, c.HostConfig.AutoRemove]).toEqual([5e8, 64 * 1024 * 1024, true, true, false]);
    expect(c.HostConfig.CapAdd).toEqual(['NET_ADMIN']);
    expect(c.HostConfig.CapDrop).toEqual(['MKNOD']);
    expect(c.HostConfig.NetworkMode).toBe(net);
    const mounts = Object.fromEntries(c.Mounts.map((m: { Destination: string }) => [m.Destination, m]));
    expect(mounts['/www']).toMatchObject({ Type: 'bind', Source: dir, RW: false });
    expect(mounts['/data']).toMatchObject({ Type: 'volume', Name: vol, RW: true });
    expect(mounts['/anon']).toMatchObject({ Type: 'volume', RW: true });
    expect(c.HostConfig.Mounts.find((m: { Target: string }) => m.Target === '/scratch')).toMatchObject({ Type: 'tmpfs', TmpfsOptions: { SizeBytes: 1048576 } });
    expect(docker.try(['exec', name, 'touch', '/www/x']).status).not.toBe(0); // read-only bind
    expect(docker.try(['exec', name, 'touch', '/etc/x']).status).not.toBe(0); // read-only rootfs
    const body = await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/index.html`).then(
          (r) => r.text(),
          () => undefined,
        ),
      10_000,
      'httpd on the published port',
    );
    expect(body).toBe('hello from the host\n');
  });

  it('hostname, extra hosts, privileged, devices, and the networks host and none', async () => {
    const name = uniq('run-more');
    const reply = await call('containers.run', {
      image: TEST_IMAGE,
      name,
      command: ['sleep', '600'],
      hostname: 'box.berth.test',
      addHosts: [
        { host: 'db.local', ip: '10.9.8.7' },
        { host: 'v6.local', ip: '::1' },
        { host: 'gw.local', ip: 'host-gateway' },
      ],
      devices: [{ host: '/dev/null', container: '/dev/berth-null', permissions: 'rw' }],
    });
    expect(reply, JSON.stringify(reply)).toMatchObject({ ok: true });
    const c = inspect(name);
    expect(c.Config.Hostname).toBe('box.berth.test');
    expect(c.HostConfig.Devices).toEqual([{ PathOnHost: '/dev/null', PathInContainer: '/dev/berth-null', CgroupPermissions: 'rw' }]);
    expect(docker.cli(['exec', name, 'hostname']).trim()).toBe('box.berth.test');
    const hosts = docker.cli(['exec', name, 'cat', '/etc/hosts']);
    expect(hosts).toMatch(/^10\.9\.8\.7\s+db\.local$/m);
    expect(hosts).toMatch(/^::1\s+v6\.local$/m);
    expect(hosts).toMatch(/^\d+\.\d+\.\d+\.\d+\s+gw\.local$/m); // host-gateway: the engine put its bridge's address
    expect(docker.cli(['exec', name, 'sh', '-c', 'echo x > /dev/berth-null && echo written'])).toContain('written');

    // Privileged: every capability. Where the engine itself lacks one (this sandbox may), the start
    // fails, and the run says so and leaves nothing behind.
    const caps = (pid: number | string) => BigInt(`0x${/CapBnd:\s+([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]}`);
    const all = (1n << BigInt(Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8')) + 1)) - 1n;
    const before = allContainers();
    const privileged = uniq('run-privileged');
    const p = await call('containers.run', { image: TEST_IMAGE, name: privileged, privileged: true, command: ['sleep', '600'] });
    if (caps(docker.pid()!) === all) {
      expect(p).toMatchObject({ ok: true });
      expect(inspect(privileged).HostConfig.Privileged).toBe(true);
      expect(BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(docker.cli(['exec', privileged, 'cat', '/proc/self/status']))![1]}`)).toBe(all);
    } else {
      expect(p).toMatchObject({ ok: false, error: { message: expect.stringMatching(/could not start, so it was removed: .*caps/) } });
      expect(allContainers()).toEqual(before);
    }

    const isolated = uniq('run-none');
    expect(await call('containers.run', { image: TEST_IMAGE, name: isolated, network: 'none', command: ['sleep', '600'] })).toMatchObject({ ok: true });
    expect(docker.cli(['exec', isolated, 'ls', '/sys/class/net']).split(/\s+/).filter(Boolean)).toEqual(['lo']);
    const onHost = uniq('run-host');
    expect(await call('containers.run', { image: TEST_IMAGE, name: onHost, network: 'host', command: ['sleep', '600'] })).toMatchObject({ ok: true });
    expect(docker.cli(['exec', onHost, 'ls', '/sys/class/net'])).toContain('docker0'); // the engine's host's own interfaces
    expect(inspect(onHost).HostConfig.NetworkMode).toBe('host');
  });

  it('the pull policy: missing pulls what the engine lacks, never refuses, always pulls the newer one', async () => {
    const registry = await startRegistry();
    try {
      const ref = `${registry.address}/berth/run-pull:${uniq('t')}`;
      const dir = tempDir('run-pull');
      const publish = (which: string) => {
        writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo ${which} > /which\n`);
        docker.cli(['build', '-q', '-t', ref, dir]);
        docker.cli(['push', '-q', ref]);
        docker.cli(['rmi', ref]);
      };
      publish('first');
      const before = allContainers();
      expect(await call('containers.run', { image: ref, pull: 'never', command: ['true'] })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND', hint: expect.stringMatching(/pull policy is "never"/) },
      });
      expect(allContainers()).toEqual(before);
      const first = uniq('run-pulled');
      expect(await call('containers.run', { image: ref, name: first, command: ['sleep', '600'] })).toMatchObject({ ok: true }); // missing: the default
      expect(docker.cli(['exec', first, 'cat', '/which']).trim()).toBe('first');
      // The registry gets a newer one under the tag; this engine keeps the first under it.
      const firstId = docker.cli(['image', 'inspect', '-f', '{{.Id}}', ref]).trim();
      publish('second');
      docker.cli(['tag', firstId, ref]);
      const kept = uniq('run-missing');
      expect(await call('containers.run', { image: ref, name: kept, command: ['sleep', '600'] })).toMatchObject({ ok: true });
      expect(docker.cli(['exec', kept, 'cat', '/which']).trim()).toBe('first');
      const always = uniq('run-always-pull');
      expect(await call('containers.run', { image: ref, name: always, pull: 'always', command: ['sleep', '600'] })).toMatchObject({ ok: true });
      expect(docker.cli(['exec', always, 'cat', '/which']).trim()).toBe('second');
    } finally {
      await registry.stop();
    }
    // An image id is not pulled: it names an image here, or none.
    const noId = await call('containers.run', { image: `sha256:${'ab'.repeat(32)}`, command: ['true'] });
    expect(noId).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/^There is no image sha256:abab.* on this engine\.$/) } });
    // A registry that is not there: nothing is run, and it says it could not pull.
    const before = allContainers();
    const gone = await call('containers.run', { image: `127.0.0.1:9/berth/nothing:${uniq('t')}`, command: ['true'] });
    expect(gone).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Could not pull 127\.0\.0\.1:9\/berth\/nothing:.*, so nothing was run: /) } });
    expect(allContainers()).toEqual(before);
  });

  it('--rm and restart policies reach the engine', async () => {
    const gone = uniq('run-rm');
    expect(await call('containers.run', { image: TEST_IMAGE, name: gone, autoRemove: true, command: ['true'] })).toMatchObject({ ok: true });
    await waitFor(() => docker.try(['inspect', gone]).status !== 0, 10_000, '--rm container to go');
    const kept = uniq('run-always');
    expect(await call('containers.run', { image: TEST_IMAGE, name: kept, restart: 'unless-stopped', command: ['sleep', '600'] })).toMatchObject({ ok: true });
    expect(inspect(kept).HostConfig.RestartPolicy.Name).toBe('unless-stopped');
  });

  it('refuses a taken host port before creating anything', async () => {
    const holder: Server = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (holder.address() as { port: number }).port;
    const before = allContainers();
    try {
      const reply = await call('containers.run', { image: TEST_IMAGE, name: uniq('run-taken'), ports: [{ hostPort: port, containerPort: 80 }], command: ['sleep', '60'] });
      expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: `Host port 127.0.0.1:${port}/tcp is already in use`, hint: expect.stringMatching(/another host port/) } });
    } finally {
      holder.close();
    }
    expect(allContainers()).toEqual(before);
  });

  it('an unknown image, a missing network or a failing start leave no container behind', async () => {
    const before = allContainers();
    expect(await call('containers.run', { image: 'berth-test/no-such-image:1', name: uniq('run-noimg'), pull: 'never' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/no such image/i), hint: expect.stringMatching(/Pull it first/) },
    });
    expect(await call('containers.run', { image: TEST_IMAGE, network: 'no-such-network', command: ['true'] })).toMatchObject({ ok: false });
    const failing = await call('containers.run', { image: TEST_IMAGE, name: uniq('run-nostart'), command: ['/no/such/binary'] });
    expect(failing).toMatchObject({ ok: false, error: { message: expect.stringMatching(/could not start, so it was removed/) } });
    expect(allContainers()).toEqual(before);
  });

  it('rejects invalid specs with the reason and creates nothing', async () => {
    const before = allContainers();
    const volumes = () => docker.cli(['volume', 'ls', '-q']).split('\n').filter(Boolean).sort();
    const volumesBefore = volumes();
    for (const [spec, reason] of [
      [{ image: TEST_IMAGE, name: 'bad name' }, /name: must start/],
      [{ image: TEST_IMAGE, ports: [{ containerPort: 70000 }] }, /ports\.0\.containerPort/],
      [{ image: TEST_IMAGE, mounts: [{ type: 'bind', source: 'relative', target: '/x' }] }, /absolute path/],
      [{ image: TEST_IMAGE, autoRemove: true, restart: 'always' }, /--rm cannot be combined/],
      [{ image: TEST_IMAGE, network: 'host', ports: [{ containerPort: 80 }] }, /publishes no ports with network host or none/],
      [{ image: TEST_IMAGE, network: 'host', hostname: 'x' }, /host’s hostname/],
      [{ image: TEST_IMAGE, hostname: '-bad-' }, /hostname: must be letters/],
      [{ image: TEST_IMAGE, addHosts: [{ host: 'db', ip: 'not-an-ip' }] }, /addHosts\.0\.ip/],
      [{ image: TEST_IMAGE, devices: [{ host: 'dev/null' }] }, /absolute path/],
      [{ image: TEST_IMAGE, devices: [{ host: '/dev/null', permissions: 'rrw' }] }, /some of r, w and m/],
      [{ image: TEST_IMAGE, pull: 'sometimes' }, /pull/],
      [{ image: TEST_IMAGE, health: { command: '  ' } }, /health\.command/],
      [{ image: TEST_IMAGE, health: { command: 'true', intervalMs: 0 } }, /at least 1ms/],
      // The engine itself would make two anonymous volumes and then refuse "Duplicate mount point".
      [
        {
          image: TEST_IMAGE,
          mounts: [
            { type: 'volume', target: '/data' },
            { type: 'volume', target: '/data' },
          ],
        },
        /two mounts share a container path/,
      ],
    ] as const) {
      expect(await call('containers.run', spec)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(reason) } });
    }
    expect(volumes()).toEqual(volumesBefore);
    const taken = uniq('run-dup');
    docker.cli(['create', '--name', taken, TEST_IMAGE]);
    expect(await call('containers.run', { image: TEST_IMAGE, name: taken })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/already in use/) } });
    expect(allContainers()).toEqual([...before, docker.cli(['inspect', '-f', '{{.Id}}', taken])].sort());
  });
});
