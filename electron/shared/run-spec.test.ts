import { describe, expect, it } from 'vitest';
import { parseBytes, parseEnvFile, runSpec, splitArgs, toDockerRunCommand } from './run-spec';
import { formatIssues } from './validation';

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

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, skipping comments and blanks, keeping = in values', () => {
    expect(parseEnvFile('# db\nDB_URL=postgres://u:p@h/db?a=b\n\n  EMPTY=\nFLAG\r\n')).toEqual([
      { key: 'DB_URL', value: 'postgres://u:p@h/db?a=b' },
      { key: 'EMPTY', value: '' },
      { key: 'FLAG', value: '' },
    ]);
  });
  it('names the bad line', () => {
    expect(() => parseEnvFile('OK=1\n1BAD=2')).toThrow(/line 2: "1BAD"/);
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
    [{ image: '' }, /image: is required/],
    [{ image: 'x', name: 'bad name' }, /name: must start/],
    [{ image: 'x', ports: [{ containerPort: 0 }] }, /ports\.0\.containerPort: must be 1-65535/],
    [{ image: 'x', ports: [{ containerPort: 80, hostPort: 70000 }] }, /hostPort/],
    [{ image: 'x', mounts: [{ type: 'bind', source: 'rel', target: '/x' }] }, /mounts\.0\.source: must be an absolute path/],
    [{ image: 'x', env: [{ key: '1X', value: '' }] }, /env\.0\.key: must be a variable name/],
    [{ image: 'x', autoRemove: true, restart: 'always' }, /--rm cannot be combined/],
    [{ image: 'x', maxRetries: 3, restart: 'always' }, /max retries needs the on-failure/],
    [{ image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }] }, /published twice/],
    [{ image: 'x', memoryBytes: 1000 }, /at least 6 MB/],
    [{ image: 'x', capAdd: ['net admin'] }, /capability name/],
    [{ image: 'x', user: 'a b' }, /user:group/],
  ])('refuses %o', (spec, reason) => expect(check(spec)).toMatch(reason));
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
        ports: [{ hostPort: 8080, containerPort: 80 }, { containerPort: 53, protocol: 'udp', hostIp: '0.0.0.0' }],
        mounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }, { type: 'volume', target: '/cache' }, { type: 'bind', source: '/home/me/site', target: '/usr/share/nginx/html' }, { type: 'tmpfs', target: '/run', sizeBytes: 65536 }],
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
      "docker run -d --rm -it --name web -p 127.0.0.1:8080:80 -p 0.0.0.0::53/udp -v data:/data:ro -v /cache -v /home/me/site:/usr/share/nginx/html --tmpfs /run:size=65536 -e 'GREETING=hello world' --network front --cpus 1.5 --memory 512m --user 1000:1000 --workdir /srv --label team=web --read-only --cap-add NET_ADMIN --cap-drop ALL --init --entrypoint /bin/sh nginx:1.27 -c 'echo it'\\''s up'",
    );
  });

  it('writes restart policies with their retries', () => {
    expect(toDockerRunCommand({ image: 'x', restart: 'on-failure', maxRetries: 3 })).toBe('docker run -d --restart on-failure:3 x');
    expect(toDockerRunCommand({ image: 'x', restart: 'unless-stopped' })).toBe('docker run -d --restart unless-stopped x');
  });
});
