import type { ContainerSummary } from '../../electron/shared/models';

export interface ComposeProject {
  name: string;
  ids: string[];
  running: number;
  total: number;
}

/** Containers grouped by their `com.docker.compose.project` label, by name. */
export function composeProjects(containers: readonly ContainerSummary[]): ComposeProject[] {
  const byName = new Map<string, ComposeProject>();
  for (const c of containers) {
    if (!c.composeProject) continue;
    let p = byName.get(c.composeProject);
    if (!p) byName.set(c.composeProject, (p = { name: c.composeProject, ids: [], running: 0, total: 0 }));
    p.ids.push(c.id);
    p.total++;
    if (c.state === 'running') p.running++;
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
