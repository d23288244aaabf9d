import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { contextMetaDir } from '../engine/docker-config';
import { berthContextOwner, writeDockerContext } from './docker-context';

const HOST = 'unix:///home/me/.berth/run/docker.sock';
const setup = () => {
  const env = { DOCKER_CONFIG: join(tempDir('docker-context'), 'docker') };
  const dir = contextMetaDir('berth', env);
  const meta = () => JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { Name: string; Metadata: Record<string, unknown>; Endpoints: { docker: { Host: string } } };
  const put = (content: unknown) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'meta.json'), typeof content === 'string' ? content : JSON.stringify(content));
  };
  return { env, dir, meta, put };
};

describe('the berth docker context', () => {
  it("is written where the CLI looks for it, marked as Berth's, leaving no temp file", () => {
    const { env, dir, meta } = setup();
    expect(writeDockerContext(HOST, env)).toEqual({ written: true });
    expect(meta()).toEqual({ Name: 'berth', Metadata: { Description: 'Berth VM', ManagedBy: 'Berth' }, Endpoints: { docker: { Host: HOST, SkipTLSVerify: false } } });
    expect(readdirSync(dir)).toEqual(['meta.json']);
    expect(statSync(join(dir, 'meta.json')).mode & 0o777).toBe(0o644);
    expect(berthContextOwner(HOST, env)).toEqual({ kind: 'berth', host: HOST });
  });

  it('rewrites its own (a new address), and one an earlier Berth wrote without the mark', () => {
    const { env, meta, put } = setup();
    writeDockerContext(HOST, env);
    expect(writeDockerContext('unix:///elsewhere/docker.sock', env)).toEqual({ written: true });
    expect(meta().Endpoints.docker.Host).toBe('unix:///elsewhere/docker.sock');
    put({ Name: 'berth', Metadata: { Description: 'Berth VM' }, Endpoints: { docker: { Host: HOST, SkipTLSVerify: false } } });
    expect(writeDockerContext(HOST, env)).toEqual({ written: true });
    expect(meta().Metadata.ManagedBy).toBe('Berth');
  });

  it.each([
    ['the user made (another address)', { Name: 'berth', Metadata: { Description: 'my berth' }, Endpoints: { docker: { Host: 'tcp://boat:2375' } } }, /\(it points at tcp:\/\/boat:2375\)/],
    ["Berth's description at another address", { Name: 'berth', Metadata: { Description: 'Berth VM' }, Endpoints: { docker: { Host: 'tcp://boat:2375' } } }, /\(it points at tcp:\/\/boat:2375\)/],
    ['without a docker endpoint', { Name: 'berth', Metadata: {}, Endpoints: {} }, /\(it has no docker endpoint\)/],
    ['that is not JSON', '{"Name": "berth", ', /\(its meta\.json is not JSON\)/],
  ])('is never written over one %s, and says so with the next step', (_what, content, why) => {
    const { env, dir, put } = setup();
    put(content);
    const before = readFileSync(join(dir, 'meta.json'), 'utf8');
    const r = writeDockerContext(HOST, env);
    expect(r.written).toBe(false);
    expect(r.warning!.startsWith(`A docker context named "berth" already exists in ${env.DOCKER_CONFIG} and Berth did not make it (`)).toBe(true);
    expect(r.warning).toMatch(/\), so Berth leaves it as it is\. To let Berth write its own, remove that one with `docker context rm berth`/);
    expect(r.warning).toMatch(why);
    expect(r.warning).toContain('docker context rm berth');
    expect(readFileSync(join(dir, 'meta.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['meta.json']);
  });

  it('reports a write that fails instead of throwing', () => {
    const base = tempDir('docker-context');
    writeFileSync(join(base, 'docker'), 'a file where the folder should be');
    const r = writeDockerContext(HOST, { DOCKER_CONFIG: join(base, 'docker') });
    expect(r).toEqual({ written: false, warning: expect.stringMatching(/^Berth could not write the docker context "berth" in .* \(ENOTDIR\)\. Check that folder/) });
  });
});
