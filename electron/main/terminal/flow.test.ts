import { describe, expect, it } from 'vitest';
import { FlowControl } from './flow';

describe('terminal flow control', () => {
  it('pauses once past the high mark and resumes only below the low mark', () => {
    const f = new FlowControl(100, 10);
    expect(f.sent(60)).toBe(false);
    expect(f.sent(60)).toBe(true); // 120 unacked: pause
    expect(f.sent(50)).toBe(false); // already paused: no second pause
    expect(f.acked(100)).toBe(false); // 70 left: still paused
    expect(f.acked(65)).toBe(true); // 5 left: resume
    expect(f.paused).toBe(false);
    expect(f.acked(1000)).toBe(false); // over-acknowledging never goes negative
    expect(f.sent(100)).toBe(false);
    expect(f.sent(1)).toBe(true);
  });
});

describe('hostShell', () => {
  it('prefers $SHELL, then bash, zsh, sh', async () => {
    const { hostShell } = await import('./host-shell');
    expect(hostShell({ SHELL: '/usr/bin/fish' }, (p) => p === '/usr/bin/fish')).toBe('/usr/bin/fish');
    expect(hostShell({ SHELL: '/gone' }, (p) => p === '/bin/zsh')).toBe('/bin/zsh');
    expect(hostShell({}, () => false)).toBe('/bin/sh');
  });
});
