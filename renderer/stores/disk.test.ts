import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CleanupPlan } from '../../electron/shared/models';
import type { Reply } from '../../electron/shared/wire';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { compactionWords, compactVmDisk, runCleanup, showPreview, showUsage, useDisk, VM_DISK_SETTLE_MS } from './disk';
import { useUi } from './ui';

let t: FakeTransport;
let answer: (method: string, args: unknown) => Reply;

beforeEach(() => {
  useUi.setState({ toasts: [], dialog: { kind: 'cleanup', what: 'volumes' } });
  answer = (_m, a) => {
    const ids = (a as { ids?: string[] }).ids ?? [];
    return {
      ok: true,
      value: {
        kind: 'volumes',
        items: ids.map((id) => ({ id, name: id, size: 1 })),
        size: ids.length,
        ...(ids.includes('v3') ? { kept: [{ id: 'v3', name: 'v3', reason: 'used by a container since the preview' }] } : {}),
      } satisfies CleanupPlan,
    };
  };
  t = fakeTransport((m, a) => answer(m, a));
  connectApi(t);
});

const previewOf = (n: number): CleanupPlan => ({ kind: 'volumes', items: Array.from({ length: n }, (_, i) => ({ id: `v${i}`, name: `v${i}`, size: 1 })), size: n });

describe('disk cleanup', () => {
  it('sends exactly the previewed ids, in parts of 1000, and says what it kept', async () => {
    useDisk.setState({ preview: previewOf(2500) });
    expect(await runCleanup('volumes')).toBeUndefined();
    const cleanups = t.calls.filter((c) => c.method === 'disk.cleanup').map((c) => (c.args as { ids: string[] }).ids);
    expect(cleanups.map((ids) => ids.length)).toEqual([1000, 1000, 500]);
    expect(cleanups.flat()).toEqual(previewOf(2500).items.map((i) => i.id));
    const toast = useUi.getState().toasts.at(-1)!;
    expect(toast).toMatchObject({ kind: 'info', title: 'Removed 2500 unused volumes', message: expect.stringContaining('kept v3 (used by a container since the preview)') });
    expect(useUi.getState().dialog).toBeUndefined();
  });

  it('one item is said in the singular; a refusal stays in the dialog with its hint', async () => {
    useDisk.setState({ preview: previewOf(1) });
    await runCleanup('volumes');
    expect(useUi.getState().toasts.at(-1)!.title).toBe('Removed 1 unused volume');
    useUi.setState({ dialog: { kind: 'cleanup', what: 'volumes' } });
    answer = () => ({ ok: false, error: { code: 'ENGINE_TIMEOUT', message: 'The engine at x is not answering.', hint: 'It may be hung.' } });
    expect(await runCleanup('volumes')).toEqual({ message: 'The engine at x is not answering.', hint: 'It may be hung.' });
    expect(useUi.getState().dialog).toEqual({ kind: 'cleanup', what: 'volumes' });
  });
});

describe('the cleanup preview', () => {
  it('shows under pushes that come faster than the engine answers, and follows them', async () => {
    const answers: ((r: Reply) => void)[] = [];
    t = fakeTransport((m) => (m === 'disk.preview' ? new Promise<Reply>((r) => answers.push(r)) : { ok: true, value: null }));
    connectApi(t);
    const flush = () => new Promise((r) => setTimeout(r, 0));
    const stop = showPreview('volumes');
    for (let i = 0; i < 20; i++) t.push('containers:changed', { ids: [] }); // a busy engine's pushes, all while `system df` works
    expect(answers).toHaveLength(1); // one preview at a time
    answers.shift()!({ ok: true, value: previewOf(1) });
    await flush();
    expect(useDisk.getState().preview!.items).toHaveLength(1); // shown, though pushes came after it was asked
    expect(answers).toHaveLength(1); // and one more for all 20 pushes
    answers.shift()!({ ok: true, value: previewOf(2) });
    await flush();
    expect(useDisk.getState().preview!.items).toHaveLength(2);
    expect(answers).toHaveLength(0);
    stop();
  });
});

describe('the VM disk', () => {
  const GiB = 2 ** 30;
  it('says what a compaction gave back, and when there was nothing more', () => {
    expect(compactionWords({ before: 3 * GiB, after: GiB, trimmed: 60 * GiB, max: 64 * GiB })).toEqual({
      title: 'Compacted the VM disk',
      message: 'This computer got 2.00 GiB back: the VM disk takes 1.00 GiB of its 64.0 GiB on this computer now.',
    });
    expect(compactionWords({ before: GiB, after: GiB + 4096, trimmed: 60 * GiB, max: 64 * GiB }).title).toBe('Nothing more to give back');
  });

  it('compact now: a toast with the result, or with the reason and hint; the figures are read again', async () => {
    answer = (m) =>
      m === 'disk.compact'
        ? { ok: true, value: { before: 2 * GiB, after: GiB, trimmed: GiB, max: 64 * GiB } }
        : m === 'disk.vm'
          ? { ok: true, value: { file: '/d', exists: true, allocated: GiB, max: 64 * GiB, running: true } }
          : { ok: false, error: { code: 'INTERNAL', message: m } };
    await compactVmDisk();
    expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'success', title: 'Compacted the VM disk', message: expect.stringContaining('got 1.00 GiB back') });
    expect(useDisk.getState()).toMatchObject({ compacting: false, vmDisk: { allocated: GiB, running: true } });
    answer = (m) =>
      m === 'disk.compact'
        ? {
            ok: false,
            error: { code: 'CONFLICT', message: 'The Berth VM is stopped, so its disk cannot be compacted now.', hint: 'Start the VM (the VM page, or `berth vm start`), then compact again.' },
          }
        : { ok: true, value: null };
    await compactVmDisk();
    expect(useUi.getState().toasts.at(-1)).toMatchObject({
      kind: 'error',
      title: 'Could not compact the VM disk',
      message: 'The Berth VM is stopped, so its disk cannot be compacted now.',
      hint: expect.stringContaining('Start the VM'),
    });
    expect(useDisk.getState().vmDisk).toBeNull(); // the engine in use is no longer the VM: no card
  });
});

describe('the VM disk figure', () => {
  it('is read again once a removal has had time to reach the host, and when the VM changes state', async () => {
    const disk = { file: '/d', exists: true, allocated: 1, max: 2, running: true };
    answer = (m) => (m === 'disk.vm' ? { ok: true, value: disk } : { ok: false, error: { code: 'INTERNAL', message: m } });
    vi.useFakeTimers();
    try {
      const hide = showUsage();
      await vi.advanceTimersByTimeAsync(0);
      const reads = () => t.calls.filter((c) => c.method === 'disk.vm').length;
      expect(reads()).toBe(1);
      t.push('volumes:changed', { ids: [] });
      t.push('images:changed', { ids: [] });
      await vi.advanceTimersByTimeAsync(0);
      expect(reads()).toBe(3); // at once, with the df figures
      await vi.advanceTimersByTimeAsync(VM_DISK_SETTLE_MS);
      expect(reads()).toBe(4); // and once more for both, after the guest's journal commit
      t.push('vm:status', { state: 'stopped', since: 0, backend: 'qemu', ports: [], warnings: [] });
      await vi.advanceTimersByTimeAsync(0);
      expect(reads()).toBe(5);
      hide();
      t.push('volumes:changed', { ids: [] });
      await vi.advanceTimersByTimeAsync(VM_DISK_SETTLE_MS);
      expect(reads()).toBe(5); // not shown: not read
    } finally {
      vi.useRealTimers();
    }
  });
});
