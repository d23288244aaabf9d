import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextMetaDir } from '../engine/docker-config';
import { EventHub } from '../event-hub';
import { activeContextName, activeDockerHost, activeEngine, ContextsService, engineList, unusable } from './contexts';
import { settingsSchema } from '../settings';

let dir = '';
let base: { BERTH_HOME: string; DOCKER_CONFIG: string };
let vmHost = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-contexts-'));
  base = { BERTH_HOME: join(dir, 'berth'), DOCKER_CONFIG: join(dir, 'docker') };
  vmHost = `unix://${join(dir, 'berth', 'run', 'docker.sock')}`;
  mkdirSync(base.DOCKER_CONFIG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const settings = (s: object = {}) => settingsSchema.parse(s);

/** A docker CLI context as `docker context create` writes it. */
function cliContext(name: string, host: string, description?: string): void {
  const meta = contextMetaDir(name, base);
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: description ? { Description: description } : {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
}
const useContext = (current: string) => writeFileSync(join(base.DOCKER_CONFIG, 'config.json'), JSON.stringify({ auths: {}, currentContext: current }));
const inUse = (s: ReturnType<typeof settings>, env: NodeJS.ProcessEnv) => {
  const c = engineList(s, env).contexts.find((e) => e.active)!;
  return { name: c.name, host: c.host, why: c.why };
};

describe('the engine in use, as the docker CLI orders it', () => {
  it('is the Berth VM when nothing names an engine', () => {
    expect(inUse(settings(), base)).toEqual({ name: 'berth-vm', host: vmHost, why: "Berth's default: no DOCKER_HOST, DOCKER_CONTEXT or currentContext names another engine" });
    expect(activeContextName(settings(), base)).toBe('berth-vm');
    expect(activeDockerHost(settings(), base)).toBe(vmHost);
  });

  it('is DOCKER_HOST, then DOCKER_CONTEXT, then currentContext, each saying so', () => {
    cliContext('lab', 'unix:///run/lab.sock');
    cliContext('ci', 'tcp://ci:2375');
    useContext('lab');
    const file = join(base.DOCKER_CONFIG, 'config.json');
    expect(inUse(settings(), { ...base, DOCKER_HOST: 'tcp://b:2375', DOCKER_CONTEXT: 'ci' })).toEqual({ name: 'default', host: 'tcp://b:2375', why: 'from DOCKER_HOST' });
    expect(inUse(settings(), { ...base, DOCKER_CONTEXT: 'ci' })).toEqual({ name: 'ci', host: 'tcp://ci:2375', why: 'from DOCKER_CONTEXT' });
    expect(inUse(settings(), base)).toEqual({ name: 'lab', host: 'unix:///run/lab.sock', why: `from currentContext in ${file}` });
  });

  it('takes DOCKER_CONTEXT=default as the CLI does: DOCKER_HOST, else the platform socket, not the VM', () => {
    expect(inUse(settings(), { ...base, DOCKER_CONTEXT: 'default' })).toMatchObject({ name: 'default', host: 'unix:///var/run/docker.sock' });
  });

  it('takes currentContext "default" as none, as the CLI does (it writes none for `docker context use default`)', () => {
    useContext('default');
    expect(inUse(settings(), base)).toMatchObject({ name: 'berth-vm', host: vmHost });
    expect(inUse(settings({ engine: { host: 'tcp://c:2375' } }), base)).toMatchObject({ name: 'default', host: 'tcp://c:2375', why: 'from engine.host in Berth’s settings' });
  });

  it("keeps Berth's own names for an engine: BERTH_DOCKER_HOST before DOCKER_HOST, engine.host after currentContext", () => {
    cliContext('lab', 'unix:///run/lab.sock');
    const s = settings({ engine: { host: 'tcp://c:2375' } });
    expect(inUse(s, { ...base, BERTH_DOCKER_HOST: 'tcp://a:2375', DOCKER_HOST: 'tcp://b:2375' })).toEqual({ name: 'default', host: 'tcp://a:2375', why: 'from BERTH_DOCKER_HOST' });
    expect(inUse(s, { ...base, DOCKER_CONTEXT: 'lab' })).toMatchObject({ name: 'lab' });
    expect(inUse(s, base)).toEqual({ name: 'default', host: 'tcp://c:2375', why: 'from engine.host in Berth’s settings' });
  });

  it('takes the CLI\'s "berth" context, Berth\'s own, as the VM, and lists it only as berth-vm', () => {
    cliContext('berth', vmHost, 'Berth VM');
    useContext('berth');
    expect(inUse(settings(), base)).toMatchObject({ name: 'berth-vm', host: vmHost });
    expect(engineList(settings(), base).contexts.map((c) => c.name)).toEqual(['default', 'berth-vm']);
  });

  it('is the context chosen in Berth, a CLI one or "default" included, over the environment', () => {
    cliContext('lab', 'unix:///run/lab.sock');
    const env = { ...base, DOCKER_HOST: 'tcp://b:2375', DOCKER_CONTEXT: 'lab' };
    expect(inUse(settings({ activeContext: 'berth-vm' }), env)).toEqual({ name: 'berth-vm', host: vmHost, why: 'chosen in Berth' });
    expect(inUse(settings({ activeContext: 'lab' }), { ...base, DOCKER_HOST: 'tcp://b:2375' })).toMatchObject({ name: 'lab', why: 'chosen in Berth' });
    expect(inUse(settings({ activeContext: 'default' }), base)).toMatchObject({ name: 'default', host: 'unix:///var/run/docker.sock' });
    expect(activeDockerHost(settings({ activeContext: 'ci', contexts: [{ name: 'ci', host: 'tcp://ci:2375' }] }), env)).toBe('tcp://ci:2375');
    expect(inUse(settings({ activeContext: 'gone' }), env)).toMatchObject({ name: 'default', why: 'from DOCKER_HOST' }); // a removed pick falls back
  });
});

describe('what Berth cannot use, said in words', () => {
  it('names the endpoints Berth cannot use yet: npipe, tcp with TLS files missing, an address it cannot read', () => {
    expect(unusable('unix:///run/x.sock')).toBeUndefined();
    expect(unusable('tcp://h:2375')).toBeUndefined();
    expect(unusable('npipe:////./pipe/docker_engine')).toBe('Its endpoint npipe:////./pipe/docker_engine is a Windows named pipe, which Berth cannot use yet.');
    expect(unusable('tcp://h:2376', { verify: true, dir, ca: join(dir, 'ca.pem') })).toBe(
      `The CA certificate ${join(dir, 'ca.pem')} does not exist: it is the CA the engine's certificate is verified against.`,
    );
    expect(unusable('tcp://h:2376', { verify: false, dir })).toBeUndefined();
    expect(unusable('ssh://alias')).toBeUndefined(); // an ~/.ssh/config Host alias, resolved at connect time
    expect(unusable('ssh://me@')).toMatch(/^Berth cannot use the address ssh:\/\/me@ yet: Unsupported engine address/);
    expect(unusable(undefined)).toMatch(/no docker endpoint/);
  });

  it('a DOCKER_CONTEXT naming no context, or one Berth cannot use: the VM, and why', () => {
    cliContext('pipe', 'npipe:////./pipe/docker_engine');
    const missing = engineList(settings(), { ...base, DOCKER_CONTEXT: 'nope' });
    expect(missing.contexts.find((c) => c.active)).toMatchObject({ name: 'berth-vm' });
    expect(missing.problems).toEqual([`DOCKER_CONTEXT names the docker context "nope", which does not exist in ${base.DOCKER_CONFIG}. Berth uses its VM instead.`]);
    const pipe = engineList(settings(), { ...base, DOCKER_CONTEXT: 'pipe' });
    expect(pipe.problems[0]).toMatch(/^DOCKER_CONTEXT names "pipe", which Berth cannot use: Its endpoint npipe:.* Berth uses its VM instead\.$/);
    expect(pipe.contexts.find((c) => c.name === 'pipe')).toMatchObject({ active: false, problem: expect.stringMatching(/Windows named pipe/) });
    cliContext('alias', 'ssh://me@');
    useContext('alias'); // what made `berth start` exit 1 before
    expect(activeDockerHost(settings(), base)).toBe(vmHost);
    expect(activeDockerHost(settings(), { ...base, DOCKER_HOST: 'npipe:////./pipe/x' })).toBe(vmHost);
  });

  it('a malformed config.json or meta.json: a problem naming the file, the others still listed', () => {
    cliContext('lab', 'unix:///run/lab.sock');
    const bad = join(contextMetaDir('bad', base), 'meta.json');
    mkdirSync(join(bad, '..'), { recursive: true });
    writeFileSync(bad, '{"Name": "bad"');
    writeFileSync(join(base.DOCKER_CONFIG, 'config.json'), '{ not json');
    const { contexts, problems } = engineList(settings(), base);
    expect(contexts.map((c) => c.name)).toEqual(['default', 'berth-vm', 'lab']);
    expect(contexts.find((c) => c.active)?.name).toBe('berth-vm');
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`^The docker CLI's config: ${join(base.DOCKER_CONFIG, 'config.json')} is not valid JSON \\(.*\\)\\. Berth reads no currentContext from it and leaves the file as it is\\.$`),
      ),
      expect.stringMatching(new RegExp(`^A docker CLI context cannot be read: ${bad} is not valid JSON`)),
    ]);
    expect(readFileSync(join(base.DOCKER_CONFIG, 'config.json'), 'utf8')).toBe('{ not json');
  });
});

describe('engines over TLS', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n';
  it('DOCKER_HOST with DOCKER_TLS_VERIFY: "default" carries its files; a missing ca.pem makes it unusable, naming the file', () => {
    const certs = join(dir, 'certs');
    mkdirSync(certs);
    const env = { ...base, DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs };
    expect(activeDockerHost(settings(), env)).toBe(vmHost);
    expect(engineList(settings(), env).problems).toEqual([
      `DOCKER_HOST names "default", which Berth cannot use: The CA certificate ${join(certs, 'ca.pem')} does not exist: it is the CA the engine's certificate is verified against. Berth uses its VM instead.`,
    ]);
    writeFileSync(join(certs, 'ca.pem'), pem);
    expect(activeEngine(settings(), env)).toEqual({ dockerHost: 'tcp://127.0.0.1:2376', tls: { verify: true, dir: certs, ca: join(certs, 'ca.pem') } });
    // TLS goes with tcp:// only
    expect(activeEngine(settings(), { ...env, DOCKER_HOST: 'unix:///run/x.sock' })).toEqual({ dockerHost: 'unix:///run/x.sock' });
  });

  it("a CLI context's TLS folder: listed with its files and usable; chosen, the core gets them", async () => {
    cliContext('secure', 'tcp://10.0.0.1:2376');
    const tlsDir = join(contextMetaDir('secure', base), '..', '..', 'tls', contextMetaDir('secure', base).split('/').pop()!, 'docker');
    mkdirSync(tlsDir, { recursive: true });
    writeFileSync(join(tlsDir, 'ca.pem'), pem);
    const listed = engineList(settings(), base).contexts.find((c) => c.name === 'secure');
    expect(listed).toEqual({ name: 'secure', host: 'tcp://10.0.0.1:2376', active: false, builtIn: true, source: 'docker-cli', tls: { verify: true, dir: tlsDir, ca: join(tlsDir, 'ca.pem') } });
    const used: unknown[] = [];
    await new ContextsService({ settingsFile: join(dir, 'settings.json'), env: base, use: (h, t) => used.push([h, t]), hub: new EventHub() }).use('secure');
    expect(used).toEqual([['tcp://10.0.0.1:2376', listed!.tls]]);
  });
});

describe('the engine list', () => {
  const service = (use: (h: string) => void = () => undefined) => new ContextsService({ settingsFile: join(dir, 'settings.json'), env: base, use, hub: new EventHub() });

  it("lists every CLI context under its name with its description and endpoint, beside Berth's own", async () => {
    cliContext('lab', 'unix:///run/lab.sock', 'my lab');
    cliContext('pipe', 'npipe:////./pipe/docker_engine');
    const s = service();
    await s.add('mine', 'tcp://mine:2375');
    expect((await s.list()).contexts).toEqual([
      { name: 'default', host: 'unix:///var/run/docker.sock', active: false, builtIn: true, source: 'docker-cli', description: 'The platform’s default socket' },
      { name: 'berth-vm', host: vmHost, active: true, builtIn: true, source: 'berth', description: 'The Berth VM', why: expect.stringMatching(/^Berth's default/) },
      { name: 'mine', host: 'tcp://mine:2375', active: false, builtIn: false, source: 'berth' },
      { name: 'lab', host: 'unix:///run/lab.sock', active: false, builtIn: true, source: 'docker-cli', description: 'my lab' },
      { name: 'pipe', host: 'npipe:////./pipe/docker_engine', active: false, builtIn: true, source: 'docker-cli', problem: expect.stringMatching(/Windows named pipe/) },
    ]);
    await expect(s.add('lab', 'tcp://x:1')).rejects.toMatchObject({ code: 'CONFLICT', message: 'A context named "lab" exists already in the docker CLI.' });
    await expect(s.remove('lab')).rejects.toMatchObject({ code: 'CONFLICT', hint: expect.stringContaining('docker context rm lab') });
    await expect(s.use('pipe')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^Berth cannot use "pipe": Its endpoint/) });
  });

  it("choosing a CLI context switches Berth and leaves the CLI's config.json as it was", async () => {
    cliContext('lab', 'unix:///run/lab.sock');
    useContext('default');
    const before = readFileSync(join(base.DOCKER_CONFIG, 'config.json'));
    const used: string[] = [];
    const s = service((h) => used.push(h));
    await s.use('lab');
    expect(used).toEqual(['unix:///run/lab.sock']);
    expect((await s.list()).contexts.find((c) => c.active)).toMatchObject({ name: 'lab', why: 'chosen in Berth' });
    expect(readFileSync(join(base.DOCKER_CONFIG, 'config.json')).equals(before)).toBe(true);
  });

  it("keeps the docker CLI's choice from when Berth started: a later `docker context use` does not move it", async () => {
    cliContext('lab', 'tcp://lab:2375');
    cliContext('other', 'tcp://other:2375');
    useContext('lab');
    const s = service();
    useContext('other'); // in a shell, after Berth started
    expect((await s.list()).contexts.find((c) => c.active)).toMatchObject({ name: 'lab', host: 'tcp://lab:2375' });
  });
});
