import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextMetaDir } from '../engine/docker-config';
import { EventHub } from '../event-hub';
import { activeContextName, activeDockerHost, ContextsService, namedEngine } from './contexts';
import { settingsSchema } from '../settings';

const dir = mkdtempSync(join(tmpdir(), 'berth-contexts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const settings = (s: object = {}) => settingsSchema.parse(s);
const base = { BERTH_HOME: join(dir, 'berth'), DOCKER_CONFIG: join(dir, 'docker') };
const vmHost = `unix://${join(dir, 'berth', 'run', 'docker.sock')}`;

/** A docker CLI context as `docker context create` writes it, and config.json choosing it. */
function cliContext(name: string, host: string, current = name): void {
  const meta = contextMetaDir(name, base);
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  writeFileSync(join(base.DOCKER_CONFIG, 'config.json'), JSON.stringify({ auths: {}, currentContext: current }));
}

describe('the engine in use', () => {
  it('is the Berth VM when nothing names an engine', () => {
    expect(namedEngine(settings(), base)).toBeUndefined();
    expect(activeContextName(settings(), base)).toBe('berth-vm');
    expect(activeDockerHost(settings(), base)).toBe(vmHost);
  });

  it('is the one BERTH_DOCKER_HOST, DOCKER_HOST or the settings name, in that order', () => {
    const s = settings({ engine: { host: 'tcp://c:2375' } });
    expect(activeDockerHost(s, { ...base, BERTH_DOCKER_HOST: 'tcp://a:2375', DOCKER_HOST: 'tcp://b:2375' })).toBe('tcp://a:2375');
    expect(activeDockerHost(s, { ...base, DOCKER_HOST: 'tcp://b:2375' })).toBe('tcp://b:2375');
    expect(namedEngine(s, base)).toEqual({ host: 'tcp://c:2375', by: "Berth's settings" });
    expect(activeContextName(s, base)).toBe('default');
  });

  it("follows the docker CLI's current context, but not Berth's own berth context or the CLI's default", () => {
    mkdirSync(base.DOCKER_CONFIG, { recursive: true });
    cliContext('lab', 'tcp://lab:2375');
    expect(namedEngine(settings(), base)).toEqual({ host: 'tcp://lab:2375', by: 'the docker CLI\'s context "lab"' });
    expect(activeDockerHost(settings(), base)).toBe('tcp://lab:2375');
    expect(activeDockerHost(settings(), { ...base, DOCKER_CONTEXT: 'default' })).toBe(vmHost);
    cliContext('berth', vmHost);
    expect(activeContextName(settings(), base)).toBe('berth-vm');
    writeFileSync(join(base.DOCKER_CONFIG, 'config.json'), '{ not json');
    expect(activeContextName(settings(), base)).toBe('berth-vm');
    rmSync(base.DOCKER_CONFIG, { recursive: true });
  });

  it('is the context picked in Berth, "default" included, over anything else', () => {
    const env = { ...base, DOCKER_HOST: 'tcp://b:2375' };
    expect(activeDockerHost(settings({ activeContext: 'berth-vm' }), env)).toBe(vmHost);
    expect(activeDockerHost(settings({ activeContext: 'default' }), base)).toBe('unix:///var/run/docker.sock');
    expect(activeDockerHost(settings({ activeContext: 'ci', contexts: [{ name: 'ci', host: 'tcp://ci:2375' }] }), env)).toBe('tcp://ci:2375');
    expect(activeContextName(settings({ activeContext: 'gone' }), env)).toBe('default'); // a removed pick falls back
  });
});

describe('the engine list', () => {
  it("keeps the docker CLI's choice from when Berth started: a later `docker context use` does not move it", async () => {
    mkdirSync(base.DOCKER_CONFIG, { recursive: true });
    cliContext('lab', 'tcp://lab:2375');
    const service = new ContextsService({ settingsFile: join(dir, 'settings.json'), env: base, use: () => undefined, hub: new EventHub() });
    cliContext('other', 'tcp://other:2375'); // in a shell, after Berth started
    expect((await service.list()).slice(0, 2)).toEqual([
      { name: 'default', host: 'tcp://lab:2375', active: true, builtIn: true },
      { name: 'berth-vm', host: vmHost, active: false, builtIn: true },
    ]);
    rmSync(base.DOCKER_CONFIG, { recursive: true });
  });
});
