import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseDockerHost } from './endpoint';

describe('engine endpoint', () => {
  it('parses unix sockets and tcp addresses', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('/tmp/d.sock')).toEqual({ kind: 'unix', socketPath: '/tmp/d.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 2375 });
    expect(formatEndpoint(parseDockerHost('tcp://h:1/'))).toBe('tcp://h:1');
    // no port: the docker CLI's 2375, and 2376 over TLS
    expect(parseDockerHost('tcp://h')).toEqual({ kind: 'tcp', host: 'h', port: 2375 });
    expect(parseDockerHost('tcp://h/', 2376)).toEqual({ kind: 'tcp', host: 'h', port: 2376 });
  });

  it('parses ssh://[user@]host[:port][/socket] and prints it back', () => {
    expect(parseDockerHost('ssh://me@build.example.com')).toEqual({ kind: 'ssh', username: 'me', host: 'build.example.com', socketPath: '/var/run/docker.sock' });
    // No user or port: the ~/.ssh/config's (or the local user and 22), resolved at connect time.
    expect(parseDockerHost('ssh://build_box')).toEqual({ kind: 'ssh', host: 'build_box', socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('ssh://root@127.0.0.1:2222/run/user/1000/docker.sock')).toEqual({ kind: 'ssh', username: 'root', host: '127.0.0.1', port: 2222, socketPath: '/run/user/1000/docker.sock' });
    for (const v of ['ssh://me@h', 'ssh://h', 'ssh://me@h:2222', 'ssh://me@[::1]:22/x.sock']) expect(formatEndpoint(parseDockerHost(v))).toBe(v);
  });

  it.each(['unix://relative.sock', 'ssh://', 'ssh://me@', 'ssh://-oProxyCommand', 'ssh://me@host:0', 'tcp://h:0', 'tcp://h:99999', 'nonsense'])('refuses %s with a hint', (v) => {
    expect(() => parseDockerHost(v)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', hint: expect.stringMatching(/unix:\/\/\/path/) }));
  });
});
