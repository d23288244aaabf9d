/**
 * A BuildKit build's steps as a tree: each stage ("[build 2/4] RUN make" is in stage "build") with
 * its steps under it, BuildKit's own steps ("[internal] ...", "exporting to image") in the stage
 * they name or at the top level; each with its state and how long it took.
 */
import type { BuildStep } from '../../electron/shared/models';

export interface StageNode {
  stage: string | undefined; // undefined: steps of no stage
  steps: (BuildStep & { label: string })[];
}

export function stepTree(steps: BuildStep[]): StageNode[] {
  const out: StageNode[] = [];
  for (const s of steps) {
    const hit = /^\[([^\]\s]+)(?: \d+\/\d+)?\] (.*)$/s.exec(s.name);
    const stage = hit && hit[1] !== 'internal' ? hit[1] : undefined;
    const label = hit && stage ? s.name.slice(s.name.indexOf(']') + 2) : s.name;
    let node = out.find((n) => n.stage === stage);
    if (!node) out.push((node = { stage, steps: [] }));
    node.steps.push({ ...s, label: stage ? `${/^\[\S+ (\d+\/\d+)\]/.exec(s.name)?.[1] ?? ''} ${label}`.trim() : label });
  }
  return out;
}

/** "0.4s", "12s", "2m 05s"; running steps count to `now`; waiting and cached ones show none. */
export function stepTime(s: BuildStep, now: number): string {
  if (!s.startedAt || s.state === 'cached') return '';
  const ms = Math.max(0, (s.completedAt ?? now) - s.startedAt);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const sec = Math.round(ms / 1000);
  return sec < 60 ? `${sec}s` : `${Math.floor(sec / 60)}m ${String(sec % 60).padStart(2, '0')}s`;
}

export const STEP_STATE: Record<BuildStep['state'], string> = { waiting: 'waiting', running: 'running', cached: 'cached', done: 'done', error: 'failed' };
