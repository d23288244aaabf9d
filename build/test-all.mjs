// What `npm test` runs after the system packages: every check and every test, as jobs that run
// side by side (their lines prefixed with the job's name), each as soon as the jobs it needs have
// passed, and at the end a table of what took how long (wall and CPU time).
//
//   typecheck, lint, format, layers   at once, from the start
//   build                             dist/ and the VM image (npm run vm:build), from the start
//   unit                              after the build
//   system 1/2, system 2/2            after the build: the system project in two halves (vitest
//                                     --shard), each in a network namespace of its own (unshare -n:
//                                     its own loopback) with its own private dockerd (two dockerds in
//                                     one namespace break each other's iptables rules); the files of
//                                     one half run one at a time against their engine
//   vm                                after the build: real QEMU, in this namespace as a user's Berth
//
// The exit code is 1 when any job failed (or could not run because one it needs failed).
// `node build/test-all.mjs <job>...` runs only those (and not what they need: build first yourself).
// BERTH_TEST_JOBS=n runs n jobs at most at a time (1: one after another, in the order below). Unset,
// a machine with fewer than 4 cores runs them one after another: on the 2-core CI machine, side by
// side, the e2e tests starved for CPU (a build's BuildKit session missed the engine's 5 s wait, a
// Playwright wait its 30 s) and failed; each passed alone (2026-12-07).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const SYSTEM_SHARDS = 2;
/** Runs in a network namespace of its own whose loopback is up. */
const inNetns = (cmd) => `unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' ${cmd}`;

/** name -> [command, the jobs it needs] */
const JOBS = {
  typecheck: ['npm run -s typecheck', []],
  lint: ['npm run -s lint', []],
  format: ['npm run -s format:check', []],
  layers: ['npm run -s lint:layers', []],
  build: ['npm run -s vm:build', []],
  unit: ['npx vitest run --project unit --maxWorkers=1', ['build']],
  ...Object.fromEntries(
    Array.from({ length: SYSTEM_SHARDS }, (_, i) => [`system ${i + 1}/${SYSTEM_SHARDS}`, [inNetns(`npx vitest run --project system --shard=${i + 1}/${SYSTEM_SHARDS}`), ['build']]]),
  ),
  vm: ['npx vitest run --project vm', ['build']],
};

const secs = (ms) => `${(ms / 1000).toFixed(0)} s`;
/** The children's user + system time from bash's `times` (its second line: `0m1.500s 0m0.250s`). */
const cpuOf = (out) => {
  const m = out.split('\n')[1]?.match(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s/);
  return m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : undefined;
};

const slots = Math.max(1, Number(process.env.BERTH_TEST_JOBS) || (availableParallelism() < 4 ? 1 : Infinity));
let running = 0;
const queue = [];
/** Waits for a free slot (BERTH_TEST_JOBS), first come first served. */
function slot() {
  if (running < slots) {
    running++;
    return Promise.resolve();
  }
  return new Promise((resolve) => queue.push(resolve));
}
/** Hands the slot to the next job waiting, if any. */
function release() {
  const next = queue.shift();
  if (next) next();
  else running--;
}

/** Runs one job, its output line by line with its name in front. */
async function run(name, cmd) {
  await slot();
  try {
    return await runNow(name, cmd);
  } finally {
    release();
  }
}

function runNow(name, cmd) {
  const started = Date.now();
  // `times` after the job: the CPU time of the processes it waited for (not the containers', whose
  // processes the engine's shims hold), which unlike the wall time hardly depends on what else runs.
  const child = spawn('bash', ['-c', `(${cmd})\nrc=$?\ntimes >&3\nexit $rc`], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      if (lines.length) process.stdout.write(lines.map((l) => prefix + l + '\n').join(''));
    });
    stream.on('end', () => rest && process.stdout.write(prefix + rest + '\n'));
  }
  let cpu = '';
  child.stdio[3].setEncoding('utf8');
  child.stdio[3].on('data', (d) => (cpu += d));
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stdout.write(`${prefix}could not start: ${e.message}\n`);
      resolve({ code: 127, ms: Date.now() - started });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, ms: Date.now() - started, cpuMs: cpuOf(cpu) }));
  });
}

const picked = process.argv.slice(2);
const unknown = picked.filter((n) => !JOBS[n]);
if (unknown.length) {
  console.error(`test-all: no job ${unknown.join(', ')} (the jobs: ${Object.keys(JOBS).join(', ')})`);
  process.exit(2);
}
const names = picked.length ? picked : Object.keys(JOBS);
const t0 = Date.now();
const results = new Map();
const done = new Map();
const job = (name) => {
  if (!done.has(name))
    done.set(
      name,
      (async () => {
        const needs = picked.length ? [] : JOBS[name][1];
        const failed = [];
        for (const n of needs) if ((await job(n)).code) failed.push(n);
        const r = failed.length ? { code: 1, skipped: `not run: ${failed.join(', ')} failed` } : await run(name, JOBS[name][0]);
        results.set(name, { ...r, at: Date.now() - t0 - (r.ms ?? 0) });
        return r;
      })(),
    );
  return done.get(name);
};
console.log(`test-all: ${names.join(', ')}`);
await Promise.all(names.map(job));

console.log(`test-all: what took how long (${secs(Date.now() - t0)} in all)`);
console.log(`  ${'job'.padEnd(12)} ${'start'.padStart(7)} ${'wall'.padStart(7)} ${'cpu'.padStart(7)}`);
for (const name of names) {
  const r = results.get(name);
  const status = r.skipped ?? (r.code ? `FAILED (${r.signal ?? `exit ${r.code}`})` : 'ok');
  console.log(`  ${name.padEnd(12)} ${secs(r.at).padStart(7)} ${(r.ms === undefined ? '' : secs(r.ms)).padStart(7)} ${(r.cpuMs === undefined ? '' : secs(r.cpuMs)).padStart(7)}  ${status}`);
}
process.exit([...results.values()].some((r) => r.code) ? 1 : 0);
