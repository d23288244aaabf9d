import { describe, expect, it } from 'vitest';
import { connectedCore, engine, waitFor } from '../support/engine';

const docker = engine();
const t = connectedCore();

describe('host terminal', () => {
  it('is a pty shell whose docker CLI talks to the engine Berth uses', async () => {
    let out = '';
    const s = t.core.router.openStream('host.shell', { cols: 120, rows: 33 }, async (c) => void (out += c as string));
    const until = (re: RegExp) => waitFor(() => re.test(out) || undefined, 15_000, `host shell output ${re}`);
    s.input({ data: 'echo "host=$DOCKER_HOST"; stty size\r' });
    await until(new RegExp(`host=${docker.dockerHost}\\r?\\n`));
    await until(/[\r\n]33 120\r?\n/); // a line may start after bash's bracketed-paste \r
    s.input({ data: "docker version --format 'server={{.Server.Version}}'\r" });
    const version = docker.cli(['version', '--format', '{{.Server.Version}}']);
    await until(new RegExp(`[\\r\\n]server=${version.replace(/[.+]/g, '\\$&')}\\r?\\n`));
    s.input({ data: 'exit\r' });
    expect(await s.done).toBeUndefined();
  });
});
