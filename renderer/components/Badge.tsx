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
};

export function Badge({ label }: { label: string }) {
  return <span className={`badge badge-${TONE[label] ?? 'muted'}`}>{label}</span>;
}
