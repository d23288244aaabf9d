import { describe, expect, it } from 'vitest';
import { checkImageRef, checkReference } from './image-ref';

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
      ['a/', /empty part/],
      ['/a', /empty part/],
      ['reg.io/', /empty part/],
      ['a:', /not a valid tag/],
      ['a@sha256:zz', /not a digest/],
      ['a/Busybox', /lowercase: "Busybox"/],
      ['a'.repeat(256), /longer than 255 characters \(256\)/],
      [`reg.io/${'a'.repeat(249)}`, /longer than 255 characters \(256\)/],
      ['a'.repeat(513), /too long/],
      ['a\0b', /no control characters/],
      ['a\u007fb', /no control characters/],
      ['a\tb', /no spaces/],
      ['..', /".." is not a valid name part/],
      ['../a', /not a valid registry address/],
      ['a/../b', /".." is not a valid name part/],
      ['a?b', /not a valid name part/],
      ['a#b', /not a valid name part/],
      ['a%2fb', /not a valid name part/],
      ['http://x/y', /"http:" is not a valid registry address/],
      [':latest', /name is missing/],
      [`@sha256:${'a'.repeat(64)}`, /name is missing/],
    ];
    for (const [ref, why] of cases) expect(checkReference(ref), ref).toMatch(why);
  });

  it('takes a name of exactly 255 characters, tag and digest not counted', () => {
    expect(checkReference(`${'a'.repeat(255)}:${'t'.repeat(128)}@sha256:${'b'.repeat(64)}`)).toMatchObject({ path: 'a'.repeat(255) });
  });
});

describe('checkImageRef', () => {
  it('takes ids, short ids and references', () => {
    for (const s of [`sha256:${'c'.repeat(64)}`, 'sha256:abc', 'c'.repeat(64), 'abc123', 'busybox:1.36', `ghcr.io/o/a@sha256:${'a'.repeat(64)}`]) expect(checkImageRef(s), s).toBeUndefined();
  });
  it('gives the reason for anything else', () => {
    expect(checkImageRef('a//b')).toMatch(/empty part/);
    expect(checkImageRef('sha256:')).toMatch(/not a valid tag/);
  });
});
