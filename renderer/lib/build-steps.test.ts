import { describe, expect, it } from 'vitest';
import type { BuildStep } from '../../electron/shared/models';
import { stepTime, stepTree } from './build-steps';

const step = (number: number, name: string, over: Partial<BuildStep> = {}): BuildStep => ({ id: `d${number}`, number, name, parents: [], state: 'done', ...over });

describe('build steps', () => {
  it('groups steps under their stage, in order, BuildKit’s own at the top level', () => {
    const tree = stepTree([
      step(1, '[internal] load remote build context'),
      step(2, '[base 1/2] FROM docker.io/library/busybox'),
      step(3, '[base 2/2] RUN make'),
      step(4, '[final 1/1] COPY --from=base /out /out'),
      step(5, 'exporting to image'),
    ]);
    expect(tree.map((n) => [n.stage, n.steps.map((s) => s.label)])).toEqual([
      [undefined, ['[internal] load remote build context', 'exporting to image']],
      ['base', ['1/2 FROM docker.io/library/busybox', '2/2 RUN make']],
      ['final', ['1/1 COPY --from=base /out /out']],
    ]);
  });

  it('says how long each step took; a running one counts to now; cached ones none', () => {
    expect(stepTime(step(1, 'x', { startedAt: 1000, completedAt: 1400 }), 0)).toBe('0.4s');
    expect(stepTime(step(1, 'x', { state: 'running', startedAt: 1000 }), 126_000)).toBe('2m 05s');
    expect(stepTime(step(1, 'x', { state: 'cached', startedAt: 1000, completedAt: 1000 }), 0)).toBe('');
    expect(stepTime(step(1, 'x', { state: 'waiting' }), 0)).toBe('');
  });
});
