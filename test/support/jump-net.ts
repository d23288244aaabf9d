/**
 * Two network namespaces for ProxyJump tests, linked in a line by veth pairs the test makes:
 *
 *   this namespace (10.231.0.1) -- jump (10.231.0.2 | 10.231.0.5) -- target (10.231.0.6)
 *
 * The jump namespace does not forward (a new namespace's ip_forward is 0) and this one has no
 * route to 10.231.0.4/30: the target is reachable only by a connection the jump host makes. Run
 * inside a network namespace of the test's own (unshare -n), as every system test is.
 */
import { spawnSync } from 'node:child_process';

export interface JumpNet {
  jumpNetns: string;
  targetNetns: string;
  /** This namespace's end of the first link (a jump host reaches servers of the test here). */
  here: string;
  /** The jump host, as this namespace reaches it, and as the target's side of it is named. */
  jump: string;
  jumpInner: string;
  /** The target, as the jump host reaches it. */
  target: string;
  /** Deletes the namespaces (and with them the links). */
  end(): void;
  /** Namespaces and links of this net still there. */
  leftovers(): string[];
}

const ip = (...args: string[]) => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
};

export function makeJumpNet(): JumpNet {
  const tag = `bj${process.pid % 100000}`; // interface names: 15 characters at most
  const jumpNetns = `${tag}-jump`;
  const targetNetns = `${tag}-target`;
  const end = () => {
    for (const ns of [targetNetns, jumpNetns]) spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', `${tag}h`]);
  };
  end(); // a crashed run's
  try {
    ip('netns', 'add', jumpNetns);
    ip('netns', 'add', targetNetns);
    ip('link', 'add', `${tag}h`, 'type', 'veth', 'peer', 'name', `${tag}j`);
    ip('link', 'set', `${tag}j`, 'netns', jumpNetns);
    ip('addr', 'add', '10.231.0.1/30', 'dev', `${tag}h`);
    ip('link', 'set', `${tag}h`, 'up');
    ip('-n', jumpNetns, 'addr', 'add', '10.231.0.2/30', 'dev', `${tag}j`);
    ip('-n', jumpNetns, 'link', 'add', `${tag}k`, 'type', 'veth', 'peer', 'name', `${tag}t`);
    ip('-n', jumpNetns, 'link', 'set', `${tag}t`, 'netns', targetNetns);
    ip('-n', jumpNetns, 'addr', 'add', '10.231.0.5/30', 'dev', `${tag}k`);
    ip('-n', targetNetns, 'addr', 'add', '10.231.0.6/30', 'dev', `${tag}t`);
    for (const [ns, dev] of [
      [jumpNetns, `${tag}j`],
      [jumpNetns, `${tag}k`],
      [targetNetns, `${tag}t`],
    ] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  } catch (e) {
    end();
    throw e;
  }
  return {
    jumpNetns,
    targetNetns,
    here: '10.231.0.1',
    jump: '10.231.0.2',
    jumpInner: '10.231.0.5',
    target: '10.231.0.6',
    end,
    leftovers: () => {
      const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      const links = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout;
      return [...netns.split('\n'), ...links.split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')].filter((n) => n.startsWith(tag));
    },
  };
}
