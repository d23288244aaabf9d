import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '../../electron/shared/models';
import { composeProjects } from './compose';

const c = (id: string, state: ContainerSummary['state'], composeProject?: string) => ({ id, state, composeProject }) as ContainerSummary;

describe('composeProjects', () => {
  it('groups labelled containers by project, counting the running ones, sorted by name', () => {
    expect(composeProjects([c('1', 'running', 'shop'), c('2', 'exited', 'shop'), c('3', 'running'), c('4', 'running', 'blog')])).toEqual([
      { name: 'blog', ids: ['4'], running: 1, total: 1 },
      { name: 'shop', ids: ['1', '2'], running: 1, total: 2 },
    ]);
    expect(composeProjects([c('3', 'running')])).toEqual([]);
  });
});
