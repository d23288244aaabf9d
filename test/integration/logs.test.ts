import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../electron/shared/models';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

const runToEnd = async (name: string, script: string) => {
  docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', script]);
  await waitFor(() => docker.cli(['inspect', '-f', '{{.State.Status}}', name]) === 'exited', 60_000, `${name} to exit`);
};

describe('container logs stream', () => {
  it('delivers all of 1,000,000 lines in order, with timestamps', async () => {
    const name = uniq('million');
    await runToEnd(name, 'seq 1 1000000');
    let count = 0;
    let inOrder = true;
    let stamped = 0;
    const s = t.core.router.openStream('containers.logs', { id: name, follow: false, tail: 'all' }, async (chunk) => {
      for (const line of chunk as LogLine[]) {
        count++;
        if (line.text !== String(count)) inOrder = false;
        if (line.time) stamped++;
      }
    });
    expect(await s.done).toBeUndefined();
    expect(count).toBe(1_000_000);
    expect(inOrder).toBe(true);
    expect(stamped).toBe(count);
  });

  it('keeps stdout and stderr apart and honours tail', async () => {
    const name = uniq('mixed');
    await runToEnd(name, 'echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three'); // spaced: the engine reads stdout and stderr through separate pipes
    const lines: LogLine[] = [];
    const collect = async (chunk: unknown) => void lines.push(...(chunk as LogLine[]));
    await t.core.router.openStream('containers.logs', { id: name, follow: false, tail: 'all' }, collect).done;
    expect(lines.map((l) => [l.text, !!l.err])).toEqual([
      ['one', false],
      ['two', true],
      ['three', false],
    ]);
    lines.length = 0;
    await t.core.router.openStream('containers.logs', { id: name, follow: false, tail: 1 }, collect).done;
    expect(lines.map((l) => l.text)).toEqual(['three']);
  });

  it('follows new output of a running container until cancelled', async () => {
    const name = uniq('follow');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done']);
    const texts: string[] = [];
    const s = t.core.router.openStream('containers.logs', { id: name, follow: true, tail: 0 }, async (chunk) => void texts.push(...(chunk as LogLine[]).map((l) => l.text)));
    await waitFor(() => texts.length >= 3, 10_000, 'three followed lines');
    s.cancel();
    expect(await s.done).toBeUndefined();
    const seen = texts.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(texts.length).toBe(seen); // nothing after the cancel
    expect(texts[0]).toMatch(/^tick \d+$/);
  });

  it('stops reading the engine while the consumer is behind', async () => {
    const name = uniq('slow');
    await runToEnd(name, 'seq 1 300000');
    let chunks = 0;
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const s = t.core.router.openStream('containers.logs', { id: name, follow: false, tail: 'all' }, async () => {
      chunks++;
      await blocked; // a consumer that takes nothing more
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(chunks).toBe(1); // one batch handed over, then the source waits
    s.cancel();
    release();
    expect(await s.done).toBeUndefined();
  });

  it('reads the lines of a time range: from, until, both', async () => {
    const name = uniq('logs-range');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'echo first; sleep 2.2; echo second; sleep 2.2; echo third; exec sleep 600']);
    const read = async (range: { since?: number; until?: number }) => {
      const lines: LogLine[] = [];
      const end = await t.core.router.openStream('containers.logs', { id: name, follow: false, tail: 'all', ...range }, async (c) => void lines.push(...(c as LogLine[]))).done;
      expect(end).toBeUndefined();
      return lines;
    };
    await waitFor(async () => ((await read({})).length === 3 ? true : undefined), 15_000, 'three lines');
    const all = await read({});
    const at = (i: number) => Math.floor(Date.parse(all[i]!.time!) / 1000);
    expect((await read({ until: at(1) })).map((l) => l.text)).toEqual(['first']);
    expect((await read({ since: at(1) })).map((l) => l.text)).toEqual(['second', 'third']);
    expect((await read({ since: at(1), until: at(2) })).map((l) => l.text)).toEqual(['second']);
    const bad = await t.core.router.openStream('containers.logs', { id: name, since: at(2), until: at(1) }, async () => undefined).done;
    expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/until.*must be after since/) });
  });

  it('reports an unknown container as NOT_FOUND', async () => {
    expect(await t.core.router.openStream('containers.logs', { id: 'no-such-container' }, async () => {}).done).toMatchObject({ code: 'NOT_FOUND' });
  });
});
