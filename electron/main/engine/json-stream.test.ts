import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonStream, type EngineMessage } from './json-stream';
import { MAX_JSON_LINE } from './log-stream';

const read = async (pieces: (string | Buffer)[]) => {
  const seen: EngineMessage[] = [];
  await readJsonStream(Readable.from(pieces.map((p) => Buffer.from(p))), async (ms) => void seen.push(...ms));
  return seen;
};

describe('engine JSON progress streams', () => {
  it('reads a build message with long output (a line of up to a few hundred KiB) whole', async () => {
    const output = 'o'.repeat(200_000);
    const line = JSON.stringify({ stream: output }) + '\n';
    expect(await read(line.match(/[^]{1,65536}/g)!)).toEqual([{ stream: output }]);
  });

  it('a line over the cap is an error in words, never parsed from a piece of it', async () => {
    const huge = JSON.stringify({ status: 'x'.repeat(MAX_JSON_LINE) }) + '\n';
    const pieces = ['{"status":"Pulling"}\n', ...huge.match(/[^]{1,65536}/g)!, '{"status":"after"}\n'];
    await expect(read(pieces)).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/progress message of over 1 MiB/) });
  });

  it('a line that is not a JSON object is an error in words', async () => {
    await expect(read(['{"status":"ok"}\n', 'not json\n'])).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/not a JSON object: not json/) });
    await expect(read(['[1,2]\n'])).rejects.toMatchObject({ code: 'ENGINE_ERROR' });
  });
});
