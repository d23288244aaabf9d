/**
 * A compose project read back: how it was brought up (Berth's record, else its containers'
 * labels) and its services with their state, from `config --services` and `ps --all --format
 * json` joined. Pure: the service runs Compose and hands the output here.
 */
import type { ComposeServiceRow } from '../../shared/models';

const STATES = ['running', 'paused', 'restarting', 'exited', 'created', 'dead', 'removing'] as const;
/** Which of a service's containers says its state: the liveliest one. */
const RANK: Record<string, number> = { running: 0, restarting: 1, paused: 2, removing: 3, created: 4, exited: 5, dead: 6 };

export interface PsEntry {
  service: string;
  state: (typeof STATES)[number];
  status?: string;
  health?: string;
  exitCode?: number;
}

/** `ps --format json`: one object a line (Compose 2.21 on), or one array (before). Lines that are not a container are skipped. */
export function parsePs(stdout: string): PsEntry[] {
  const text = stdout.trim();
  if (!text) return [];
  let items: unknown[];
  try {
    items = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split('\n').map((l) => JSON.parse(l) as unknown);
  } catch {
    return [];
  }
  const out: PsEntry[] = [];
  for (const i of items) {
    if (!i || typeof i !== 'object') continue;
    const o = i as Record<string, unknown>;
    const state = typeof o.State === 'string' ? o.State.toLowerCase() : '';
    if (typeof o.Service !== 'string' || !(STATES as readonly string[]).includes(state)) continue;
    out.push({
      service: o.Service,
      state: state as PsEntry['state'],
      ...(typeof o.Status === 'string' && o.Status ? { status: o.Status } : {}),
      ...(typeof o.Health === 'string' && o.Health ? { health: o.Health } : {}),
      ...(typeof o.ExitCode === 'number' && state === 'exited' ? { exitCode: o.ExitCode } : {}),
    });
  }
  return out;
}

/** A container the engine lists (not through Compose), as ps would say it. */
export function psEntry(service: string, state: string, status?: string): PsEntry {
  const known = (STATES as readonly string[]).includes(state) ? (state as PsEntry['state']) : 'dead';
  return { service, state: known, ...(status ? { status } : {}) };
}

/** Every service the files declare and every one with a container, each once, by name (Compose prints them in no fixed order), with its state. */
export function serviceRows(declared: string[], ps: PsEntry[]): ComposeServiceRow[] {
  const names = [...declared, ...ps.map((p) => p.service).filter((s) => !declared.includes(s))];
  return [...new Set(names)]
    .sort((a, b) => a.localeCompare(b))
    .map((service) => {
      const mine = ps.filter((p) => p.service === service).sort((a, b) => RANK[a.state]! - RANK[b.state]!);
      const top = mine[0];
      if (!top) return { service, state: 'not created', containers: 0 };
      const { state, status, health, exitCode } = top;
      return { service, state, containers: mine.length, ...(status ? { status } : {}), ...(health ? { health } : {}), ...(exitCode !== undefined ? { exitCode } : {}) };
    });
}

/** How a project started elsewhere was brought up, from one of its containers' labels (profiles are not labelled). */
export function sourceFromLabels(labels: Record<string, string>): { files: string[]; envFile?: string; workingDir: string } | undefined {
  const files = (labels['com.docker.compose.project.config_files'] ?? '').split(',').filter(Boolean);
  const workingDir = labels['com.docker.compose.project.working_dir'];
  if (!files.length || !workingDir) return undefined;
  const envFile = (labels['com.docker.compose.project.environment_file'] ?? '').split(',').filter(Boolean)[0];
  return { files, workingDir, ...(envFile ? { envFile } : {}) };
}
