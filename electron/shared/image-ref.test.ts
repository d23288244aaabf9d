import { describe, expect, it } from 'vitest';
import { checkReference } from './image-ref';

describe('checkReference', () => {
  it('parses what Docker accepts', () => {
    expect(checkReference('busybox')).toEqual({ path: 'busybox' });
    expect(checkReference('library/busybox:1.36')).toEqual({ path: 'library/busybox', tag: '1.36' });
    expect(checkReference('127.0.0.1:5000/team/app:v1.2_rc-3')).toEqual({ domain: '127.0.0.1:5000', path: 'team/app', tag: 'v1.2_rc-3' });
    expect(checkReference('localhost/app')).toEqual({ domain: 'localhost', path: 'app' });
    expect(checkReference(`ghcr.io/o/a@sha256:${'a'.repeat(64)}`)).toEqual({ domain: 'ghcr.io', path: 'o/a', digest: `sha256:${'a'.repeat(64)}` });
    expect(checkReference('my__name/x-y.z')).toEqual({ path: 'my__name/x-y.z' });
  });

  it('says what is wrong with what Docker refuses', () => {
    const cases: [string, RegExp][] = [
      ['', /required/],
      ['Busybox', /lowercase: "Busybox"/],
      ['busy box', /no spaces/],
      ['app:', /not a valid tag/],
      ['app:-x', /not a valid tag/],
      ['app@sha256:12', /not a digest/],
      ['a//b', /empty part/],
      ['reg.io:port/app', /not a valid registry address/],
      ['-app', /not a valid name part/],
      ['a..b', /not a valid name part/],
    ];
    for (const [ref, why] of cases) expect(checkReference(ref), ref).toMatch(why);
  });
});
