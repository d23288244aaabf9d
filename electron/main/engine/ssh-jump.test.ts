import { describe, expect, it } from 'vitest';
import { jumpChain, MAX_HOPS, parseProxyJump, type JumpSpec } from './ssh-jump';
import { expandProxyCommand } from './ssh-proxy-command';
import type { ResolvedSshHost } from './ssh-resolve';

const host = (hostname: string, extra: Partial<ResolvedSshHost> = {}): ResolvedSshHost => ({
  user: 'me',
  hostname,
  port: 22,
  identityFiles: [],
  knownHostsFiles: [],
  hostKeyAlias: hostname,
  ...extra,
});

describe('ProxyJump values', () => {
  it('reads [user@]host[:port], ssh:// URIs and bracketed addresses, in order', () => {
    expect(parseProxyJump('bastion, me@jump:2222,ssh://you@b:23,root@[10.0.0.1]:2,[::1]')).toEqual([
      { host: 'bastion', written: 'bastion' },
      { user: 'me', host: 'jump', port: 2222, written: 'me@jump:2222' },
      { user: 'you', host: 'b', port: 23, written: 'ssh://you@b:23' },
      { user: 'root', host: '10.0.0.1', port: 2, written: 'root@[10.0.0.1]:2' },
      { host: '::1', written: '[::1]' },
    ]);
  });

  it.each(['a,,b', '@host', 'host:0', 'host:70000', 'host:x', '-oProxyCommand=x', 'a b', 'h;rm', ''])('refuses %j in words', (v) => {
    expect(() => parseProxyJump(v)).toThrow(/The ProxyJump ".*" cannot be read/);
  });
});

describe('the jump chain', () => {
  const configs: Record<string, Partial<ResolvedSshHost>> = {};
  const resolve = (s: JumpSpec) => host(s.host, { ...configs[s.host], ...(s.user ? { user: s.user } : {}), ...(s.port ? { port: s.port } : {}) });

  it("follows the first hop's own ProxyJump, not the later hops' (as ssh -J a,b -W target c does)", () => {
    configs.a = { proxyJump: 'x' };
    configs.b = { proxyJump: 'y' };
    const chain = jumpChain(host('t', { proxyJump: 'a,b' }), 't', resolve);
    expect(chain.map((h) => h.host.hostname)).toEqual(['x', 'a', 'b']);
  });

  it('refuses a loop, and a chain too long, before resolving it all', () => {
    configs.l1 = { proxyJump: 'l2' };
    configs.l2 = { proxyJump: 'l1' };
    expect(() => jumpChain(host('t', { proxyJump: 'l1' }), 't', resolve)).toThrow('The ProxyJump of t loops: t -> l1 -> l2 -> l1 (me@l1:22 again).');
    let asked = 0;
    const counting = (s: JumpSpec) => (asked++, resolve(s));
    expect(() => jumpChain(host('t', { proxyJump: Array(1000).fill('a').join(',') }), 't', counting)).toThrow(`more than ${MAX_HOPS} jump hosts`);
    expect(asked).toBe(0);
    expect(jumpChain(host('t', { proxyJump: Array(MAX_HOPS).fill('p').join(',') }), 't', resolve)).toHaveLength(MAX_HOPS);
  });

  it("takes the first hop's ProxyCommand (it is run to reach it), refuses one further on", () => {
    configs.pc = { proxyCommand: 'nc %h %p' };
    expect(jumpChain(host('t', { proxyJump: 'pc,a' }), 't', resolve).map((h) => h.host.hostname)).toEqual(['pc', 'a']);
    expect(() => jumpChain(host('t', { proxyJump: 'a,pc' }), 't', resolve)).toThrow('pc has a ProxyCommand (nc %h %p) and is reached through a jump host: ssh refuses both.');
  });
});

describe('ProxyCommand tokens', () => {
  it('expands %h %p %r %n %% as ssh does, refuses others', () => {
    expect(expandProxyCommand('ssh -W %h:%p -l %r %n 100%%', { host: '10.0.0.1', port: 2222, user: 'me', alias: 'box' })).toBe('ssh -W 10.0.0.1:2222 -l me box 100%');
    expect(() => expandProxyCommand('x %C', { host: 'h', port: 22, user: 'u', alias: 'a' })).toThrow('has the token %C, which Berth does not expand');
  });
});
