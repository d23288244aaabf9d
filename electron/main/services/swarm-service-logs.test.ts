import { describe, expect, it } from 'vitest';
import { LogDecoder, type DetailedLine } from '../engine/log-stream';
import { parseDetails, sourceName } from './swarm-service-logs';

/** One multiplexed frame, as the engine writes a message: 8-byte header, then the payload. */
function frame(payload: string | Buffer, stream = 1): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}
const TS = '2026-12-07T14:56:49.678178265Z';
const det = (task: string, node: string) => `com.docker.swarm.node.id=${node},com.docker.swarm.service.id=svc,com.docker.swarm.task.id=${task}`;
const msg = (task: string, node: string, text: string) => frame(`${TS} ${det(task, node)} ${text}`);

describe('service log messages (details)', () => {
  it('takes each message’s details off and puts them on its lines', () => {
    const d = new LogDecoder(false, { details: true });
    const lines = d.push(Buffer.concat([msg('t1', 'n1', 'hello\n'), msg('t2', 'n2', 'world\n')]));
    expect(lines).toEqual([
      { text: 'hello', time: TS, details: det('t1', 'n1') },
      { text: 'world', time: TS, details: det('t2', 'n2') },
    ]);
  });

  it('keeps each task’s open line apart when messages of several tasks interleave (a long line, a last line with no newline)', () => {
    const d = new LogDecoder(false, { details: true });
    const big = 'x'.repeat(16 * 1024);
    const all = Buffer.concat([msg('t1', 'n1', big), msg('t2', 'n2', 'no newline'), msg('t1', 'n1', big), msg('t3', 'n3', 'other\n'), msg('t1', 'n1', 'end\n')]);
    const lines: DetailedLine[] = [];
    // Read 7 bytes at a time: headers, timestamps and details cut by reads.
    for (let i = 0; i < all.length; i += 7) lines.push(...d.push(all.subarray(i, i + 7)));
    lines.push(...d.flush());
    const joined = (task: string) =>
      lines
        .filter((l) => l.details === det(task, task.replace('t', 'n')))
        .map((l) => l.text + (l.more ? '' : '\n'))
        .join('');
    expect(joined('t1')).toBe(`${big}${big}end\n`);
    expect(joined('t2')).toBe('no newline\n');
    expect(joined('t3')).toBe('other\n');
    expect(lines.every((l) => !l.text.includes('com.docker'))).toBe(true);
  });

  it('hands on a last line with no newline at once (a service’s stream stays open after its task ends), but holds a 16 KiB piece of a longer line', () => {
    const d = new LogDecoder(false, { details: true });
    expect(d.push(msg('t1', 'n1', 'last words'))).toEqual([{ text: 'last words', time: TS, details: det('t1', 'n1') }]);
    expect(d.push(msg('t2', 'n2', 'y'.repeat(16 * 1024)))).toEqual([]);
    expect(d.push(msg('t2', 'n2', 'end\n'))).toEqual([{ text: `${'y'.repeat(16 * 1024)}end`, time: TS, details: det('t2', 'n2') }]);
    // Without details (a container's log) a line goes on until its newline, as before.
    expect(new LogDecoder(false).push(frame(`${TS} no newline`))).toEqual([]);
  });

  it('reads details as the engine encodes them, and names a line by task slot and node host', () => {
    expect(parseDetails('a=1,com.docker.swarm.task.id=abc,x=hello+world%2C')).toEqual(
      new Map([
        ['a', '1'],
        ['com.docker.swarm.task.id', 'abc'],
        ['x', 'hello world,'],
      ]),
    );
    expect(parseDetails('bad,=x,k=%zz')).toEqual(new Map());
    const names = {
      service: 'web',
      slots: new Map<string, number | undefined>([
        ['t1', 2],
        ['g1', undefined],
      ]),
      hosts: new Map([['n1', 'node1']]),
    };
    expect(sourceName(names, 't1', 'n1')).toBe('web.2@node1');
    expect(sourceName(names, 'g1', 'n1')).toBe('web@node1');
    expect(sourceName(names, 'unknowntaskid123456', 'n2xxxxxxxxxxxxxx')).toBe('web.unknowntaski@n2xxxxxxxxxx');
  });
});
