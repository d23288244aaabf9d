/**
 * A container's 24 MB of output without a newline, through Berth's logs stream (engine -> lines in
 * pieces of 64 KiB) vs `docker logs` of it, in the same run: wall time, CPU time, memory, and how
 * long a containers.list from another client takes meanwhile.
 */
import { spawnSync } from 'node:child_process';
import type { Core } from '../electron/main/core';
import type { LogLine } from '../electron/shared/models';
import type { PrivateDockerd } from '../test/support/dockerd';
import { TEST_IMAGE } from '../test/support/test-image';
import { median, type Row } from './row';

const BYTES = 24_000_000;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export async function newlineLessLog(core: Core, engine: PrivateDockerd): Promise<Row[]> {
  const name = `bench-no-newline-${process.pid}`;
  engine.cli(['run', '--name', name, TEST_IMAGE, 'sh', '-c', `head -c ${BYTES} /dev/zero | tr '\\0' x`]);
  try {
    const idle: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      await core.router.handle('containers.list');
      idle.push(ms(t0));
    }

    let chars = 0;
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const busy: number[] = [];
    let streaming = true;
    // Another client's requests while the stream runs, one after the other.
    const lister = (async () => {
      while (streaming) {
        const t0 = process.hrtime.bigint();
        const reply = await core.router.handle('containers.list');
        if (!reply.ok) throw new Error(`containers.list failed while streaming: ${reply.error.message}`);
        busy.push(ms(t0));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const error = await core.router.openStream('containers.logs', { id: name, follow: false, tail: 'all' }, async (chunk) => {
      for (const l of chunk as LogLine[]) chars += l.text.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }).done;
    const berth = ms(t0);
    const cpu = process.cpuUsage(cpu0);
    streaming = false;
    await lister;
    if (error || chars !== BYTES) throw new Error(`the logs stream delivered ${chars} of ${BYTES} chars (${error?.message ?? 'no error'})`);

    const cli = spawnSync('bash', ['-c', `TIMEFORMAT='%3R %3U %3S'; time docker -H ${engine.dockerHost} logs ${name} >/dev/null 2>/dev/null`], { encoding: 'utf8' });
    const [wall, user, sys] = cli.stderr.trim().split(/\s+/).slice(-3).map(Number);
    if (cli.status !== 0 || !(wall! >= 0)) throw new Error(`docker logs failed: ${cli.stderr}`);

    return [
      { name: '24 MB newline-less output: Berth logs stream vs `docker logs`', unit: 'ms', berth, baselineName: 'docker logs > /dev/null', baseline: wall! * 1000 },
      { name: 'CPU time for the 24 MB line', unit: 'ms', berth: (cpu.user + cpu.system) / 1000, baselineName: 'docker logs CPU (user+sys)', baseline: (user! + sys!) * 1000 },
      { name: 'memory growth while streaming the 24 MB line', unit: 'MB', berth: (peak - rss0) / 1e6, baselineName: 'the output itself', baseline: BYTES / 1e6 },
      { name: 'containers.list meanwhile (slowest)', unit: 'ms', berth: Math.max(...busy), baselineName: 'containers.list idle (median of 5)', baseline: median(idle) },
    ];
  } finally {
    engine.cli(['rm', '-f', name]);
  }
}
