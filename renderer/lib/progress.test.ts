import { describe, expect, it } from 'vitest';
import { applyProgress, emptyProgress, totals } from './progress';

describe('pull progress', () => {
  it('folds layer lines into rows and totals; done layers count in full', () => {
    let s = emptyProgress();
    s = applyProgress(s, [
      { id: 'v1', status: 'Pulling from team/app' },
      { id: 'aaaaaaaaaaaa', status: 'Pulling fs layer' },
      { id: 'bbbbbbbbbbbb', status: 'Pulling fs layer' },
      { id: 'aaaaaaaaaaaa', status: 'Downloading', current: 50, total: 100 },
      { id: 'bbbbbbbbbbbb', status: 'Downloading', current: 10, total: 300 },
    ]);
    expect(s.messages).toEqual(['v1: Pulling from team/app']);
    expect(totals(s)).toEqual({ current: 60, total: 400, layersDone: 0 });
    s = applyProgress(s, [
      { id: 'aaaaaaaaaaaa', status: 'Download complete' },
      { id: 'aaaaaaaaaaaa', status: 'Extracting', current: 20, total: 100 },
    ]);
    expect(s.layers[0]).toEqual({ id: 'aaaaaaaaaaaa', status: 'Extracting', current: 20, total: 100 });
    s = applyProgress(s, [{ id: 'aaaaaaaaaaaa', status: 'Pull complete' }, { status: 'Status: Downloaded newer image for x' }]);
    expect(totals(s)).toEqual({ current: 110, total: 400, layersDone: 1 });
    expect(s.layers.map((l) => l.id)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
    expect(s.messages.at(-1)).toBe('Status: Downloaded newer image for x');
  });
});
