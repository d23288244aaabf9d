/**
 * `npm run bench`: Berth's figures next to a named baseline measured in the same run, against a
 * private dockerd (as the tests use). Prints a table and writes bench/results/latest.json.
 * BENCH_ONLY=<step>,... runs only those steps (push, list, ui, logs, newline-less, overview, vm); BENCH_VM=0
 * leaves the VM out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createCore, type Core } from '../electron/main/core';
import { PrivateDockerd } from '../test/support/dockerd';
import { buildTestImages, TEST_IMAGE } from '../test/support/test-image';
import { launchChromium } from '../test/support/chromium';
import { startServer } from '../electron/main/server/server';
import { newlineLessLog } from './newline-less';
import { overviewCpu } from './usage';
import { extras, median, type Row } from './row';
import { vmRows } from './vm';

function withDeadline<T>(p: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${limitMs} ms`)), limitMs)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * A lone engine change -> Berth push, vs the same change -> `docker events` line. Changes are
 * 250 ms apart, as a person makes them (a burst is coalesced instead: see ChangeCoalescer).
 */
async function pushLatency(core: Core, engine: PrivateDockerd, rounds: number): Promise<Row> {
  const events = spawn('docker', ['-H', engine.dockerHost, 'events', '--format', '{{.Actor.ID}}', '--filter', 'type=volume', '--filter', 'event=create']);
  const cliSeen = new Map<string, () => void>();
  createInterface({ input: events.stdout }).on('line', (line) => cliSeen.get(line.trim())?.());
  await new Promise((r) => setTimeout(r, 500)); // let `docker events` subscribe
  const berth: number[] = [];
  const cli: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const name = `bench-push-${process.pid}-${i}`;
      const t0 = process.hrtime.bigint();
      const viaCli = new Promise<number>((resolve) => cliSeen.set(name, () => resolve(ms(t0))));
      const viaBerth = new Promise<number>((resolve) => {
        const off = core.hub.on((n, p) => {
          if (n === 'volumes:changed' && (p as { ids: string[] }).ids.includes(name)) {
            off();
            resolve(ms(t0));
          }
        });
      });
      await core.engine.docker.createVolume({ Name: name });
      const [b, c] = await withDeadline(Promise.all([viaBerth, viaCli]), 10_000, `push for ${name}`);
      berth.push(b);
      cli.push(c);
    }
  } finally {
    events.kill();
  }
  return { name: `lone engine change -> UI push (median of ${rounds})`, unit: 'ms', berth: median(berth), baselineName: 'docker events', baseline: median(cli) };
}

/** At least `count` containers on the engine (the list and UI rows use them). */
async function makeContainers(core: Core, count: number): Promise<void> {
  const existing = (await core.engine.docker.listContainers({ all: true })).length;
  const docker = core.engine.docker;
  const todo = Array.from({ length: Math.max(0, count - existing) }, (_, i) => i);
  const workers = Array.from({ length: 8 }, async () => {
    for (let i = todo.shift(); i !== undefined; i = todo.shift()) await docker.createContainer({ Image: TEST_IMAGE, name: `bench-list-${existing + i}`, Cmd: ['true'] });
  });
  await Promise.all(workers);
}

/** First full list of N containers: Berth's API (mapped DTOs) vs the docker CLI. */
async function listContainers(core: Core, engine: PrivateDockerd, count: number, rounds: number): Promise<Row> {
  await makeContainers(core, count);
  const berth: number[] = [];
  const cli: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t0 = process.hrtime.bigint();
    const reply = await core.router.handle('containers.list');
    berth.push(ms(t0));
    if (!reply.ok || (reply.value as unknown[]).length < count) throw new Error('list incomplete');
    t0 = process.hrtime.bigint();
    const out = spawnSync('docker', ['-H', engine.dockerHost, 'ps', '-a', '--format', 'json'], { maxBuffer: 64 << 20 });
    cli.push(ms(t0));
    if (out.status !== 0) throw new Error(String(out.stderr));
  }
  return { name: `list ${count} containers (median of ${rounds})`, unit: 'ms', berth: median(berth), baselineName: 'docker ps -a --format json', baseline: median(cli) };
}

/** A 1,000,000-line log through Berth's stream (engine -> decoded lines) vs `docker logs` to /dev/null, with Berth's peak memory. */
async function logStream(core: Core, engine: PrivateDockerd): Promise<Row[]> {
  const name = `bench-logs-${process.pid}`;
  engine.cli(['run', '--name', name, TEST_IMAGE, 'seq', '1', '1000000']);
  let lines = 0;
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  let t0 = process.hrtime.bigint();
  const error = await core.router.openStream('containers.logs', { id: name, follow: false, tail: 'all' }, async (chunk) => {
    lines += (chunk as unknown[]).length;
  }).done;
  const berth = ms(t0);
  clearInterval(sampler);
  if (error || lines !== 1_000_000) throw new Error(`log stream delivered ${lines} lines (${error?.message ?? 'no error'})`);
  t0 = process.hrtime.bigint();
  const cli = spawnSync('docker', ['-H', engine.dockerHost, 'logs', name], { stdio: ['ignore', 'ignore', 'ignore'] });
  const baseline = ms(t0);
  if (cli.status !== 0) throw new Error('docker logs failed');
  return [
    { name: 'log of 1,000,000 lines, all delivered', unit: 'ms', berth, baselineName: 'docker logs > /dev/null', baseline },
    { name: 'memory growth while streaming it', unit: 'MB', berth: (peak - rss0) / 1e6, baselineName: 'the log itself', baseline: logBytes(engine, name) / 1e6 },
  ];
}

/**
 * Data to pixels: the `containers.list` reply with N containers arriving in the page, to the
 * containers table listing N rows with the ones in view drawn (after the next frame), in
 * Chromium. Baseline: all N rows built as a plain HTML table with innerHTML in the same page.
 */
async function uiRender(core: Core, count: number, rounds: number): Promise<Row> {
  const server = await startServer({ router: core.router, hub: core.hub, staticDir: 'dist/renderer' });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Stamp the arrival of the big list reply before the app's own handler runs.
    await page.addInitScript(() => {
      const W = window as unknown as { __listAt?: number; __listJson?: string };
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('message', (e: MessageEvent) => {
            if (typeof e.data === 'string' && e.data.length > 100_000 && e.data.includes('"t":"res"') && W.__listAt === undefined) {
              W.__listAt = performance.now();
              W.__listJson = e.data;
            }
          });
        }
      };
    });
    const berth: number[] = [];
    const plain: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await page.goto(server.url);
      berth.push(
        await page.evaluate(
          (n) =>
            new Promise<number>((resolve) => {
              const W = window as unknown as { __listAt?: number };
              const check = () => {
                const table = document.querySelector('table[aria-label="Containers"]');
                // all n rows are in the list: in the DOM, or (windowed) counted with the ones in view drawn
                const rows = table?.querySelectorAll('tbody tr[data-key]').length ?? 0;
                const listed = Number(table?.getAttribute('aria-rowcount') ?? rows + 1) - 1;
                if (W.__listAt !== undefined && rows > 0 && listed >= n) {
                  requestAnimationFrame(() => resolve(performance.now() - W.__listAt!));
                } else requestAnimationFrame(check);
              };
              check();
            }),
          count,
        ),
      );
      plain.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const t0 = performance.now();
              const rows = (JSON.parse((window as unknown as { __listJson: string }).__listJson) as { value: { id: string; name: string; image: string; state: string; status: string }[] }).value;
              const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
              const host = document.createElement('div');
              host.innerHTML = `<table><tbody>${rows.map((c) => `<tr><td><input type="checkbox"></td><td>${esc(c.name)}<br>${esc(c.id.slice(0, 12))}</td><td>${esc(c.image)}</td><td>${esc(c.state)} ${esc(c.status)}</td><td></td><td><button>Start</button><button>Remove</button></td></tr>`).join('')}</tbody></table>`;
              document.body.append(host);
              requestAnimationFrame(() => {
                resolve(performance.now() - t0);
                host.remove();
              });
            }),
        ),
      );
    }
    return { name: `UI: list reply -> table of ${count} shown (median of ${rounds})`, unit: 'ms', berth: median(berth), baselineName: 'plain innerHTML table', baseline: median(plain) };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The rows of the last run, kept for the steps BENCH_ONLY leaves out. */
function previousRows(): Row[] {
  try {
    return (JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as { rows?: Row[] }).rows ?? [];
  } catch {
    return [];
  }
}

/** What the last run measured beside its rows (the VM's boot timeline), kept when this run leaves that step out. */
function previousExtras(): Record<string, unknown> {
  try {
    const { when: _w, engine: _e, only: _o, rows: _r, ...rest } = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as Record<string, unknown>;
    return rest;
  } catch {
    return {};
  }
}

function logBytes(engine: PrivateDockerd, name: string): number {
  return statSync(engine.cli(['inspect', '-f', '{{.LogPath}}', name])).size;
}

async function main(): Promise<void> {
  PrivateDockerd.assertAvailable();
  const engine = new PrivateDockerd(mkdtempSync('/tmp/berth-b-'));
  await engine.start();
  const core = createCore({ dockerHost: engine.dockerHost });
  try {
    buildTestImages(engine);
    while (core.engine.getStatus().state !== 'up') await new Promise((r) => setTimeout(r, 50));
    const containers = Number(process.env.BENCH_CONTAINERS ?? 1000);
    // BENCH_ONLY=logs,newline-less runs only those steps (the rows of the others are kept from the last run).
    const steps: [string, () => Promise<Row | Row[]>][] = [
      ['push', () => pushLatency(core, engine, 20)],
      ['list', () => listContainers(core, engine, containers, 5)],
      ['ui', async () => (await makeContainers(core, containers), uiRender(core, containers, 5))],
      ['logs', () => logStream(core, engine)],
      ['newline-less', () => newlineLessLog(core, engine)],
      ['overview', () => overviewCpu(core, engine, 50, 20)],
      ['vm', () => (process.env.BENCH_VM === '0' ? Promise.resolve([]) : vmRows(engine, join(__dirname, '../main/cli.cjs')))],
    ];
    const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
    const unknown = only?.filter((k) => !steps.some(([key]) => key === k));
    if (unknown?.length) throw new Error(`BENCH_ONLY: no step ${unknown.join(', ')} (there are ${steps.map(([k]) => k).join(', ')})`);
    const rows: Row[] = [];
    for (const [key, run] of steps) if (!only || only.includes(key)) rows.push(...[await run()].flat());
    const table = rows.map((r) => ({
      measure: r.name,
      berth: `${r.berth.toFixed(1)} ${r.unit}`,
      baseline: `${r.baseline.toFixed(1)} ${r.unit} (${r.baselineName})`,
      'berth/baseline': (r.berth / r.baseline).toFixed(2),
    }));
    console.table(table);
    mkdirSync('bench/results', { recursive: true });
    const kept = only ? previousRows().filter((r) => !rows.some((n) => n.name === r.name)) : [];
    writeFileSync(
      'bench/results/latest.json',
      JSON.stringify({ when: new Date().toISOString(), engine: core.engine.getStatus().version, ...(only ? { only } : {}), rows: [...kept, ...rows], ...previousExtras(), ...extras }, null, 2) + '\n',
    );
    console.log('written to bench/results/latest.json');
  } finally {
    core.dispose();
    await engine.stop();
    engine.remove();
  }
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
