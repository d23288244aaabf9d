import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contextMetaDir, listDockerContexts, scanDockerConfig } from './docker-config';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => ({ DOCKER_CONFIG: (dir = mkdtempSync(join(tmpdir(), 'berth-docker-config-'))) });

/** A meta.json as `docker context create` writes it (the shape checked against docker 28's). */
function meta(env: NodeJS.ProcessEnv, name: string, body: unknown = { Name: name, Metadata: {}, Endpoints: { docker: { Host: `unix:///run/${name}.sock`, SkipTLSVerify: false } } }): string {
  const d = contextMetaDir(name, env);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'meta.json'), typeof body === 'string' ? body : JSON.stringify(body));
  return join(d, 'meta.json');
}

describe("the docker CLI's config.json", () => {
  it('gives its currentContext, or nothing when missing, and honours DOCKER_CONFIG', () => {
    const env = fresh();
    expect(scanDockerConfig(env)).toEqual({ file: join(dir, 'config.json') });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'lab' }));
    expect(scanDockerConfig(env)).toEqual({ file: join(dir, 'config.json'), currentContext: 'lab' });
    expect(scanDockerConfig({}, '/nowhere-home')).toEqual({ file: '/nowhere-home/.docker/config.json' });
  });

  it('says in words, naming the file, when it is not JSON or not an object or currentContext is no string', () => {
    const env = fresh();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{ "currentContext": ');
    expect(scanDockerConfig(env).problem).toMatch(new RegExp(`^${file} is not valid JSON \\(`));
    writeFileSync(file, '[1]');
    expect(scanDockerConfig(env)).toEqual({ file, problem: `${file} is not a JSON object` });
    writeFileSync(file, '{"currentContext": 3}');
    expect(scanDockerConfig(env)).toEqual({ file, problem: `${file}: "currentContext" is not a string` });
  });
});

describe("the docker CLI's contexts", () => {
  it('lists every meta.json by name, with description, host and whether it has TLS material', () => {
    const env = fresh();
    meta(env, 'zeta');
    meta(env, 'lab', { Name: 'lab', Metadata: { Description: 'my lab' }, Endpoints: { docker: { Host: 'unix:///run/lab.sock', SkipTLSVerify: false } } });
    const tls = meta(env, 'secure', { Name: 'secure', Metadata: {}, Endpoints: { docker: { Host: 'tcp://10.0.0.1:2376', SkipTLSVerify: false } } });
    const tlsDir = join(dir, 'contexts', 'tls', join(tls, '..').split('/').pop()!, 'docker');
    mkdirSync(tlsDir, { recursive: true });
    writeFileSync(join(tlsDir, 'ca.pem'), 'x');
    meta(env, 'insecure', { Name: 'insecure', Metadata: {}, Endpoints: { docker: { Host: 'tcp://10.0.0.2:2376', SkipTLSVerify: true } } });
    mkdirSync(join(dir, 'contexts', 'meta', 'empty-folder'));
    expect(listDockerContexts(env).map(({ name, description, host, tls }) => ({ name, description, host, tls }))).toEqual([
      { name: 'insecure', description: undefined, host: 'tcp://10.0.0.2:2376', tls: { verify: false, dir: expect.stringMatching(/\/contexts\/tls\/[0-9a-f]{64}\/docker$/) } },
      { name: 'lab', description: 'my lab', host: 'unix:///run/lab.sock', tls: undefined },
      { name: 'secure', description: undefined, host: 'tcp://10.0.0.1:2376', tls: { verify: true, dir: tlsDir, ca: join(tlsDir, 'ca.pem') } },
      { name: 'zeta', description: undefined, host: 'unix:///run/zeta.sock', tls: undefined },
    ]);
  });

  it('lists a meta.json it cannot read as a problem naming the file, and the others still', () => {
    const env = fresh();
    expect(listDockerContexts(env)).toEqual([]);
    meta(env, 'good');
    const broken = meta(env, 'broken', '{"Name": "broken", ');
    const nameless = meta(env, 'nameless', { Metadata: {}, Endpoints: {} });
    const noHost = meta(env, 'nohost', { Name: 'nohost', Metadata: {}, Endpoints: {} });
    const list = listDockerContexts(env);
    expect(list.map((c) => c.name)).toEqual(['good', 'nohost', undefined, undefined]);
    expect(list.find((c) => c.file === noHost)).toEqual({ file: noHost, name: 'nohost' });
    expect(list.find((c) => c.file === broken)!.problem).toMatch(new RegExp(`^${broken} is not valid JSON \\(`));
    expect(list.find((c) => c.file === nameless)!.problem).toBe(`${nameless} has no "Name": it is not a docker context as the docker CLI writes one`);
  });
});
