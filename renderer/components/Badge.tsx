const TONE: Record<string, string> = {
  running: 'ok',
  starting: 'warn',
  stopping: 'warn',
  stopped: 'muted',
  error: 'bad',
  paused: 'warn',
  restarting: 'warn',
  created: 'muted',
  exited: 'muted',
  removing: 'warn',
  dead: 'bad',
  'in use': 'ok',
  unused: 'muted',
  dangling: 'warn',
  healthy: 'ok',
  unhealthy: 'bad',
  passed: 'ok',
  failed: 'bad',
  done: 'ok',
  cancelled: 'muted',
};

export function Badge({ label, title }: { label: string; title?: string }) {
  return (
    <span className={`badge badge-${TONE[label] ?? 'muted'}`} title={title}>
      {label}
    </span>
  );
}
