import { describe, expect, it } from 'vitest';
import { BuildProgress, DEFAULT_TIMINGS, debootstrapTick, estimateText, parseBuildLine, totalMs, type Timings } from './progress';

const timings: Timings = { phases: { fetch: 20, install: 40, kernel: 10, pack: 20, check: 10 }, counts: { fetch: 4, install: 10 } };

describe('VM image build progress', () => {
  it('counts debootstrap lines: one Validating per package fetched, one line per package extracted, unpacked or configured', () => {
    expect(debootstrapTick('I: Validating adduser 3.152')).toBe('fetch');
    expect(debootstrapTick('I: Retrieving adduser 3.152')).toBeUndefined(); // a cached .deb has no Retrieving, every one has a Validating
    expect(debootstrapTick('I: Extracting base-files...')).toBe('install');
    expect(debootstrapTick('I: Unpacking dpkg...')).toBe('install');
    expect(debootstrapTick('I: Configuring libc6:amd64...')).toBe('install');
    expect(debootstrapTick('I: Unpacking required packages...')).toBeUndefined(); // a phase heading, not a package
    expect(debootstrapTick('I: Installing core packages...')).toBeUndefined();
    expect(debootstrapTick('W: Failure trying to run: chroot')).toBeUndefined();
  });

  it('moves forward through the phases, weighted by the last build, and reports each percent at most once', () => {
    let t = 0;
    const seen: Array<[string, number]> = [];
    const p = new BuildProgress(
      timings,
      (step, f) => seen.push([step, f]),
      () => t,
    );
    p.enter('fetch');
    for (let i = 0; i < 4; i++) p.line('I: Validating x 1');
    expect(p.fraction()).toBeCloseTo(0.97 * 0.2); // never the whole phase before it ends
    p.line('I: Extracting y...'); // another phase's line changes nothing here
    expect(p.fraction()).toBeCloseTo(0.97 * 0.2);
    t = 30;
    p.enter('install');
    expect(p.fraction()).toBeCloseTo(0.2);
    for (let i = 0; i < 5; i++) p.line('I: Unpacking y...');
    expect(p.fraction()).toBeCloseTo(0.4);
    t = 100;
    p.enter('kernel');
    t = 110;
    p.enter('pack');
    t = 140;
    p.enter('check');
    t = 145;
    expect(p.fraction()).toBeCloseTo(0.9);
    const fractions = seen.map(([, f]) => f);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(new Set(fractions.map((f) => Math.floor(f * 100))).size).toBe(fractions.length);
    expect(seen.map(([s]) => s)).toEqual(expect.arrayContaining(['fetching packages', 'installing packages', 'adding the kernel and its modules', 'packing the root image', 'checking the files']));
    // What it took is the next build's weights; a fetch that did not download keeps the last one's.
    expect(p.finish()).toEqual({ phases: { fetch: 30, install: 70, kernel: 10, pack: 30, check: 5 }, counts: { fetch: 4, install: 5 } });
    expect(p.finish(['fetch'])).toEqual({ phases: { fetch: 20, install: 70, kernel: 10, pack: 30, check: 5 }, counts: { fetch: 4, install: 5 } });
  });

  it('says the time up front in words', () => {
    expect(estimateText(30_000)).toBe('under a minute');
    expect(estimateText(65_000)).toBe('about 1 min');
    expect(estimateText(totalMs(DEFAULT_TIMINGS))).toBe('about 2 min');
    expect(estimateText(4 * 60_000)).toBe('about 4 min');
  });

  it('reads the builder protocol, dropping what is not one of its lines', () => {
    expect(parseBuildLine('{"step":"fetching packages","progress":0.25}')).toEqual({ step: 'fetching packages', progress: 0.25 });
    expect(parseBuildLine('{"step":"x","progress":7}')).toEqual({ step: 'x', progress: 1 });
    expect(parseBuildLine('{"note":"waiting for another build"}')).toEqual({ note: 'waiting for another build' });
    expect(parseBuildLine('{"done":{"dir":"/c/abc","built":true,"ms":1200}}')).toEqual({ done: { dir: '/c/abc', built: true, ms: 1200 } });
    expect(parseBuildLine('{"error":{"code":"UNAVAILABLE","message":"no network","hint":"connect"}}')).toEqual({ error: { code: 'UNAVAILABLE', message: 'no network', hint: 'connect' } });
    for (const junk of ['', 'vm:build: fetching packages', '[]', 'null', '{"step":1}', '{"progress":0.5}', '{"error":{}}']) expect(parseBuildLine(junk)).toBeUndefined();
  });
});
