import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonStream, registryError, toLayerProgress } from '../engine/json-stream';
import { instruction } from './images';
import { normaliseServer } from '../../shared/image-ref';

describe('image helpers', () => {
  it('turns history entries into Dockerfile lines', () => {
    expect(instruction('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
    expect(instruction('/bin/sh -c apk add curl')).toBe('RUN apk add curl');
    expect(instruction('|2 A=1 B=x y /bin/sh -c make')).toBe('RUN make   # A=1 B=x y');
    expect(instruction('RUN /bin/sh -c echo hi # buildkit')).toBe('RUN echo hi');
    expect(instruction('RUN |1 GREETING=hello /bin/sh -c echo "$GREETING" # buildkit')).toBe('RUN echo "$GREETING"   # GREETING=hello');
    expect(instruction('COPY . /ctx # buildkit')).toBe('COPY . /ctx');
    expect(instruction('RUN --mount=type=secret,id=x /bin/sh -c make # buildkit')).toBe('RUN --mount=type=secret,id=x /bin/sh -c make');
  });

  it('names Docker Hub one way and keeps other registries as host:port', () => {
    for (const s of ['docker.io', 'https://index.docker.io/v1/', 'registry-1.docker.io']) expect(normaliseServer(s)).toBe('docker.io');
    expect(normaliseServer('http://127.0.0.1:5000/')).toBe('127.0.0.1:5000');
  });

  it('reads JSON progress lines split anywhere and stops at the engine’s error', async () => {
    const text = '{"status":"Pulling fs layer","id":"a"}\n{"status":"Downloading","id":"a","progressDetail":{"current":5,"total":10}}\r\n{"error":"x","errorDetail":{"message":"manifest unknown"}}\n';
    const pieces = text.match(/.{1,7}/gs)!.map((p) => Buffer.from(p));
    const seen: unknown[] = [];
    const run = readJsonStream(Readable.from(pieces), async (ms) => void seen.push(...ms.map(toLayerProgress)));
    await expect(run).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'manifest unknown' });
    expect(seen).toEqual([
      { id: 'a', status: 'Pulling fs layer' },
      { id: 'a', status: 'Downloading', current: 5, total: 10 },
    ]);
  });

  it('classifies registry refusals', () => {
    expect(registryError('unauthorized: authentication required').code).toBe('REGISTRY_AUTH');
    expect(registryError('manifest for x:y not found').code).toBe('NOT_FOUND');
    expect(registryError('dial tcp: connection refused').code).toBe('ENGINE_ERROR');
  });
});
