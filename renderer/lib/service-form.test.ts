import { describe, expect, it } from 'vitest';
import { parsePort, words } from './service-form';

describe('the service form', () => {
  it('reads ports as published:target[/proto][@mode], and refuses what is not one', () => {
    expect(parsePort('8080:80')).toEqual({ target: 80, published: 8080 });
    expect(parsePort(' 53:53/udp ')).toEqual({ target: 53, published: 53, protocol: 'udp' });
    expect(parsePort('9000:9000@host')).toEqual({ target: 9000, published: 9000, mode: 'host' });
    expect(parsePort('80')).toEqual({ target: 80 });
    for (const bad of ['', 'x', '0:80', '8080:0', '70000:80', '80:80/sctp', '8080:80@mesh', '-1:80']) expect(parsePort(bad)).toBeUndefined();
  });

  it('splits a command into words, quotes keeping a phrase whole', () => {
    expect(words(`sh -c "echo hi there" 'a b'`)).toEqual(['sh', '-c', 'echo hi there', 'a b']);
    expect(words('   ')).toEqual([]);
  });
});
