import { describe, expect, it } from 'vitest';
import { exactHashOf, formatRoute, hashOfLink, hashOfPlace, parseRoute, VIEWS, type Place } from './route';

describe('routes', () => {
  it('every place round-trips through its hash', () => {
    const places: Place[] = [
      ...VIEWS.map((view) => ({ view })),
      { view: 'containers', detail: 'web-1' },
      { view: 'containers', detail: '3f4e5d6c7b8a', tab: 'terminal' },
      { view: 'containers', detail: 'db', tab: 'inspect' },
      { view: 'containers', projectLogs: 'shop_v2' },
      { view: 'images', detail: 'registry.local:5000/team/app:1.2' },
      { view: 'images', detail: 'sha256:0a1b2c' },
      { view: 'volumes', detail: 'pg-data' },
      { view: 'networks', detail: 'shop_default' },
    ];
    for (const p of places) expect(parseRoute(formatRoute(p))).toEqual(p);
    expect(formatRoute({ view: 'containers', detail: 'web', tab: 'logs' })).toBe('#/containers/web'); // the first tab: no tab in the URL
    expect(formatRoute({ view: 'images' })).toBe('#/images');
  });

  it('takes anything: what it cannot read is the containers list, or the nearest place it can', () => {
    const list = { view: 'containers' };
    for (const hash of [
      '',
      '#',
      '#/',
      '#/nope',
      '#/containers/%E0%A4%A',
      '#/containers/<script>',
      '#/containers/..',
      '#/compose/',
      '#/compose/a b/logs',
      '#/compose/x/other',
      '#/__proto__',
      '#/constructor',
      `#/containers/${'a'.repeat(300)}`,
    ])
      expect(parseRoute(hash)).toEqual(list);
    expect(parseRoute('#/containers/web/nope')).toEqual({ view: 'containers', detail: 'web' });
    expect(parseRoute('#/images/registry:5000/team/app:1.2')).toEqual({ view: 'images', detail: 'registry:5000/team/app:1.2' }); // slashes as typed
    expect(parseRoute('#/volumes/and/more')).toEqual({ view: 'volumes' }); // no tabs under a volume: not read as "and"
    for (const walk of ['a/../b', 'a%2F..%2F..%2Fetc', 'sha256:abc/../../containers', 'a/.', 'a%2F%2Fb']) expect(parseRoute(`#/images/${walk}`)).toEqual({ view: 'images' }); // never a path walk
    // A long run of slashes (a hostile berth:// link) is read at once, not in time that grows with its square.
    expect(parseRoute(`#/images/a${'/'.repeat(1_000_000)}b`)).toEqual({ view: 'containers' });
    expect(exactHashOf(`berth://images/a${'/'.repeat(1_000_000)}b`)).toBeUndefined();
    expect(parseRoute('#/images/team/app///')).toEqual({ view: 'images', detail: 'team/app' });
    expect(parseRoute('#/networks/n1/x')).toEqual({ view: 'networks' });
    expect(formatRoute({ view: 'images', detail: 'a/b:1' })).toBe('#/images/a%2Fb%3A1'); // one part of the hash
    for (const bad of ['%2Fetc', 'a%2F%2Fb', '%3Cimg%3E', '.hidden']) expect(parseRoute(`#/images/${bad}`)).toEqual({ view: 'images' });
    expect(parseRoute('#/volumes/a%2Fb')).toEqual({ view: 'volumes' }); // only images have slashes
    expect(parseRoute('#/settings/x')).toEqual({ view: 'settings' }); // no pages under settings
    expect(parseRoute('volumes')).toEqual({ view: 'volumes' }); // no leading #/
  });

  it('reads berth:// links, in either spelling, and nothing else', () => {
    expect(hashOfLink('berth://containers/web/stats')).toBe('#/containers/web/stats');
    expect(hashOfLink('berth:///volumes')).toBe('#/volumes');
    expect(hashOfLink('berth://compose/shop/logs')).toBe('#/compose/shop/logs');
    expect(hashOfLink('berth://what/ever')).toBe('#/containers');
    expect(hashOfLink('https://example.com/#/images')).toBeUndefined();
    expect(hashOfLink('not a url')).toBeUndefined();
  });

  it('reads a place in full for `berth open`, or not at all', () => {
    expect(hashOfPlace('#/containers/web/nope')).toBe('#/containers/web');
    expect(exactHashOf('#/containers/web/nope')).toBeUndefined();
    expect(exactHashOf('berth://what/ever')).toBeUndefined();
    expect(exactHashOf('berth://containers/web/logs')).toBe('#/containers/web');
    expect(exactHashOf('berth:///containers/web/stats/')).toBe('#/containers/web/stats');
    expect(exactHashOf('#/images')).toBe('#/images');
    expect(exactHashOf('berth://')).toBe('#/containers');
    expect(exactHashOf('images')).toBeUndefined(); // neither a link nor a hash
    expect(exactHashOf('#/containers/web%2Dx')).toBe('#/containers/web-x'); // an escape names the same place
    expect(exactHashOf('#/images/nginx:1.27')).toBe('#/images/nginx%3A1.27');
    expect(exactHashOf('#/images/team/app')).toBe('#/images/team%2Fapp'); // slashes as typed, or escaped
    expect(exactHashOf('berth://images/team/app/')).toBe('#/images/team%2Fapp');
    expect(exactHashOf('berth://volumes/%E0%A4%A')).toBeUndefined();
  });
});
