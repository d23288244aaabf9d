import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseBytes, parseDuration, runSpec, shellJoin, splitArgs, toDockerRunCommand } from './run-spec';
import { formatIssues, ipProblem } from './validation';

describe('splitArgs', () => {
  it.each<[string, string[]]>([
    ['sleep 600', ['sleep', '600']],
    [`sh -c 'echo "hi there"; exit 3'`, ['sh', '-c', 'echo "hi there"; exit 3']],
    [`echo "a \\"b\\" \\$HOME" c\\ d ''`, ['echo', 'a "b" $HOME', 'c d', '']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['', []],
  ])('%s', (line, args) => expect(splitArgs(line)).toEqual(args));

  it('refuses an unclosed quote', () => {
    expect(() => splitArgs(`echo 'oops`)).toThrow(/unclosed ' quote/);
  });
});

describe('parseBytes', () => {
  it.each<[string, number]>([
    ['512m', 512 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['64k', 65536],
    ['1048576', 1048576],
    ['256mb', 256 * 1024 ** 2],
  ])('%s', (t, n) => expect(parseBytes(t)).toBe(n));
  it('refuses nonsense', () => expect(() => parseBytes('lots')).toThrow(/not a size/));
});

describe('durations', () => {
  it.each<[string, number]>([
    ['5s', 5000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['.5s', 500],
    ['.5', 500],
    ['2h', 7_200_000],
    ['1h2m3s4ms', 3_723_004],
    ['10', 10_000],
    [' 3s ', 3000],
  ])('%s', (t, ms) => expect(parseDuration(t)).toBe(ms));
  it.each(['', 'soon', '5 s', '5x', 's', '-5s', '1m 30s', '5s5', '1e3s'])('refuses %j', (t) => {
    expect(() => parseDuration(t)).toThrow(/not a duration/);
  });
  it.each<[number, string]>([
    [5000, '5s'],
    [90_000, '1m30s'],
    [500, '500ms'],
    [1500, '1500ms'],
    [3_600_000, '1h'],
    [3_660_000, '1h1m'],
    [3_601_000, '1h1s'],
  ])('%d ms is %s, and reads back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('runSpec', () => {
  const check = (s: unknown) => {
    const r = runSpec.safeParse(s);
    return r.success ? 'ok' : formatIssues(r.error);
  };

  it('accepts a full spec and fills defaults', () => {
    const r = runSpec.parse({ image: 'nginx:1.27', ports: [{ containerPort: 80 }], mounts: [{ type: 'volume', target: '/data' }] });
    expect(r).toMatchObject({ ports: [{ hostIp: '127.0.0.1', containerPort: 80, protocol: 'tcp' }], restart: 'no', autoRemove: false, env: [] });
  });

  it.each<[unknown, RegExp]>([
    [{ image: '' }, /^image: is required$/],
    [{ image: 'a//b' }, /image: The image name has an empty part/],
    [{ image: 'Nginx' }, /image: Image names must be lowercase/],
    [{ image: 'x', ports: [{ containerPort: 80, hostIp: '999.1.1.1', hostPort: 18080 }] }, /ports\.0\.hostIp: "999\.1\.1\.1" is not an IPv4 address: 999 is above 255/],
    [{ image: 'x', ports: [{ containerPort: 80, hostIp: '1.2.3' }] }, /hostIp: "1\.2\.3" is not an IPv4 address: it has 3 parts, not 4/],
    [{ image: 'x', ports: [{ containerPort: 80, hostIp: '01.2.3.4' }] }, /hostIp: "01\.2\.3\.4" is not an IPv4 address: "01" has a leading zero/],
    [{ image: 'x', ports: [{ containerPort: 80, hostIp: '::gg' }] }, /hostIp: "::gg" is not an IPv6 address/],
    [{ image: 'x', ports: [{ containerPort: 80, hostIp: '[::1]' }] }, /hostIp: "\[::1\]" must be written without brackets/],
    [{ image: 'x', ports: [{ containerPort: 80, hostIp: 'localhost' }] }, /hostIp: "localhost" is not an IPv4 address/],
    [{ image: 'x', name: 'bad name' }, /name: must start/],
    [{ image: 'x', ports: [{ containerPort: 0 }] }, /ports\.0\.containerPort: must be 1-65535/],
    [{ image: 'x', ports: [{ containerPort: 80, hostPort: 70000 }] }, /hostPort/],
    [{ image: 'x', mounts: [{ type: 'bind', source: 'rel', target: '/x' }] }, /mounts\.0\.source: must be an absolute path/],
    [{ image: 'x', env: [{ key: '1X', value: '' }] }, /env\.0\.key: must be a variable name/],
    [{ image: 'x', autoRemove: true, restart: 'always' }, /--rm cannot be combined/],
    [{ image: 'x', maxRetries: 3, restart: 'always' }, /max retries needs the on-failure/],
    [
      {
        image: 'x',
        ports: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 81, hostPort: 8080 },
        ],
      },
      /published twice/,
    ],
    [{ image: 'x', memoryBytes: 1000 }, /at least 6 MiB/],
    [
      {
        image: 'x',
        mounts: [
          { type: 'volume', target: '/data' },
          { type: 'volume', target: '/data/' },
        ],
      },
      /mounts: two mounts share a container path/,
    ],
    [
      {
        image: 'x',
        mounts: [
          { type: 'tmpfs', target: '/t' },
          { type: 'bind', source: '/s', target: '/t' },
        ],
      },
      /two mounts share a container path/,
    ],
    [{ image: 'x', capAdd: ['net admin'] }, /capability name/],
    [{ image: 'x', user: 'a b' }, /user:group/],
  ])('refuses %o', (spec, reason) => expect(check(spec)).toMatch(reason));

  it.each(['127.0.0.1', '0.0.0.0', '10.213.0.1', '255.255.255.255', '::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334', '::ffff:127.0.0.1'])('accepts hostIp %s', (hostIp) => {
    expect(check({ image: 'x', ports: [{ containerPort: 80, hostIp }] })).toBe('ok');
  });
});

describe('ipProblem', () => {
  // Berth's rule is node:net's isIP (which the shared code cannot import) without zones.
  it.each([
    '127.0.0.1',
    '0.0.0.0',
    '1.2.3.4',
    '255.255.255.255',
    '256.0.0.1',
    '999.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '00.0.0.0',
    '1..2.3',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '+1.2.3.4',
    '1e2.0.0.1',
    '0x7f.0.0.1',
    '',
    '::',
    '::1',
    '::gg',
    '1::2::3',
    ':::1',
    '1:::2',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::',
    '::ffff:1.2.3.4',
    '::ffff:999.1.1.1',
    'fe80::1',
    '02001:db8::1',
    'gggg::1',
    '1:2',
    ':1',
    '1:',
    'fe80::1%eth0',
    '[::1]',
  ])('%j as node:net isIP says', (s) => {
    const node = isIP(s) !== 0 && !s.includes('%');
    expect(ipProblem(s) === undefined, `${s}: ${ipProblem(s)}`).toBe(node);
  });
});

describe('toDockerRunCommand', () => {
  it('writes the equivalent docker run line, quoting where a shell needs it', () => {
    expect(
      toDockerRunCommand({
        image: 'nginx:1.27',
        name: 'web',
        autoRemove: true,
        interactive: true,
        tty: true,
        ports: [
          { hostPort: 8080, containerPort: 80 },
          { containerPort: 53, protocol: 'udp', hostIp: '0.0.0.0' },
        ],
        mounts: [
          { type: 'volume', source: 'data', target: '/data', readOnly: true },
          { type: 'volume', target: '/cache' },
          { type: 'bind', source: '/home/me/site', target: '/usr/share/nginx/html' },
          { type: 'tmpfs', target: '/run', sizeBytes: 65536 },
        ],
        env: [{ key: 'GREETING', value: 'hello world' }],
        network: 'front',
        cpus: 1.5,
        memoryBytes: 512 * 1024 ** 2,
        user: '1000:1000',
        workdir: '/srv',
        labels: { team: 'web' },
        readOnly: true,
        capAdd: ['NET_ADMIN'],
        capDrop: ['ALL'],
        init: true,
        entrypoint: ['/bin/sh', '-c'],
        command: ["echo it's up"],
      }),
    ).toBe(
      "docker run -d --rm -it --name web -p 127.0.0.1:8080:80 -p 0.0.0.0::53/udp -v data:/data:ro -v /cache -v /home/me/site:/usr/share/nginx/html --tmpfs /run:size=64k -e 'GREETING=hello world' --network front --cpus 1.5 --memory 512m --user 1000:1000 --workdir /srv --label team=web --read-only --cap-add NET_ADMIN --cap-drop ALL --init --entrypoint /bin/sh nginx:1.27 -c 'echo it'\\''s up'",
    );
  });

  it('a path with a ":" is a --mount, which -v would cut there', () => {
    expect(
      toDockerRunCommand({
        image: 'x',
        mounts: [
          { type: 'bind', source: '/srv/a:b', target: '/ab', readOnly: true },
          { type: 'volume', target: '/c:d' },
        ],
      }),
    ).toBe('docker run -d --mount type=bind,source=/srv/a:b,target=/ab,readonly --mount type=volume,target=/c:d x');
  });

  it('brackets IPv6 host addresses, as docker run -p needs', () => {
    expect(
      toDockerRunCommand({
        image: 'x',
        ports: [
          { hostIp: '::1', hostPort: 8080, containerPort: 80 },
          { hostIp: '::', containerPort: 53, protocol: 'udp' },
        ],
      }),
    ).toBe("docker run -d -p '[::1]:8080:80' -p '[::]::53/udp' x");
  });

  it('writes the health check, hostname, hosts, devices, privileged and the pull policy', () => {
    expect(
      toDockerRunCommand({
        image: 'x',
        hostname: 'box',
        addHosts: [
          { host: 'db', ip: '10.0.0.5' },
          { host: 'gw', ip: 'host-gateway' },
        ],
        privileged: true,
        devices: [{ host: '/dev/fuse' }, { host: '/dev/snd', container: '/dev/sound' }, { host: '/dev/sda', permissions: 'r' }],
        pull: 'always',
        health: { command: 'curl -f http://localhost/ || exit 1', intervalMs: 5000, timeoutMs: 500, retries: 4, startPeriodMs: 90_000 },
      }),
    ).toBe(
      "docker run -d --hostname box --add-host db:10.0.0.5 --add-host gw:host-gateway --privileged --device /dev/fuse --device /dev/snd:/dev/sound --device /dev/sda:/dev/sda:r --pull=always --health-cmd 'curl -f http://localhost/ || exit 1' --health-interval 5s --health-timeout 500ms --health-retries 4 --health-start-period 1m30s x",
    );
    expect(toDockerRunCommand({ image: 'x', pull: 'missing', noHealthcheck: true, network: 'none' })).toBe('docker run -d --network none --no-healthcheck x');
  });

  it('writes restart policies with their retries', () => {
    expect(toDockerRunCommand({ image: 'x', restart: 'on-failure', maxRetries: 3 })).toBe('docker run -d --restart on-failure:3 x');
    expect(toDockerRunCommand({ image: 'x', restart: 'unless-stopped' })).toBe('docker run -d --restart unless-stopped x');
  });
});

describe('shellJoin', () => {
  it.each<[string[], string]>([
    [['sh', '-c', 'exit 1'], `sh -c 'exit 1'`],
    [['echo', "it's"], String.raw`echo 'it'\''s'`],
    [['printf', ''], `printf ''`],
    [['env', 'A=1', '/bin/x', '--flag=a,b'], 'env A=1 /bin/x --flag=a,b'],
    [['sh', '-c', 'echo $HOME; ls *'], `sh -c 'echo $HOME; ls *'`],
  ])('shellJoin(%j) = %s, and reads back as the same arguments', (args, line) => {
    expect(shellJoin(args)).toBe(line);
    expect(splitArgs(line)).toEqual(args);
  });
});
