import { describe, expect, it } from 'vitest';
import { watchedServices } from './compose';

describe('watchedServices', () => {
  it('names the services with develop.watch rules, and none of a model that is not one', () => {
    const model = { services: { app: { develop: { watch: [{ action: 'sync', path: './src', target: '/app' }] } }, db: { develop: { watch: [] } }, web: {} } };
    expect(watchedServices(JSON.stringify(model))).toEqual(['app']);
    expect(watchedServices('{"services":null}')).toEqual([]);
    expect(watchedServices('not json')).toEqual([]);
    expect(watchedServices('{"services":{"x":null}}')).toEqual([]);
  });
});
