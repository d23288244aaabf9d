import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ContainerSummary } from '../../../electron/shared/models';
import type { TableGroups } from '../../components/Table';
import { containerAction, removeContainers } from '../../stores/actions';
import { composeDown, loadComposeStatus, toggleProject, useCompose } from '../../stores/compose';
import { containers } from '../../stores/resources';
import { openDialog, showProjectLogs } from '../../stores/ui';

/**
 * A compose project's own line in the containers list: fold, name (a click shows only it), state,
 * the whole project's actions. Its counts and actions take every container of the project, not
 * only those the search and filter leave under it.
 */
function ProjectLine({ name, collapsed }: { name: string; collapsed: boolean }) {
  const rows = containers.use(useShallow((s) => s.items.filter((c) => c.composeProject === name)));
  const canDown = useCompose((s) => s.status?.available === true && !s.running);
  const hasCompose = useCompose((s) => s.status?.available === true);
  const ids = rows.map((r) => r.id);
  const running = rows.filter((r) => r.state === 'running').length;
  const unhealthy = rows.filter((r) => r.health === 'unhealthy').length;
  return (
    <div className="project">
      <button className="icon fold" aria-expanded={!collapsed} aria-label={`${collapsed ? 'Show' : 'Hide'} the services of ${name}`} onClick={() => toggleProject(name)}>
        {collapsed ? '▸' : '▾'}
      </button>
      <button className="link" title="Show only this project" onClick={() => containers.setQuery(name)}>
        {name}
      </button>
      <span className="muted">
        {running}/{rows.length} running{unhealthy ? ` · ${unhealthy} unhealthy` : ''}
      </span>
      <span className="row-actions">
        <button onClick={() => showProjectLogs(name)} aria-label={`Logs of ${name}`}>
          Logs
        </button>
        {hasCompose && (
          <button onClick={() => openDialog({ kind: 'compose-project', project: name })} aria-label={`Compose services of ${name}`}>
            Services
          </button>
        )}
        {running < rows.length && (
          <button onClick={() => void containerAction(ids, 'start')} aria-label={`Start ${name}`}>
            Start
          </button>
        )}
        {running > 0 && (
          <button onClick={() => void containerAction(ids, 'stop')} aria-label={`Stop ${name}`}>
            Stop
          </button>
        )}
        <button onClick={() => void containerAction(ids, 'restart')} aria-label={`Restart ${name}`}>
          Restart
        </button>
        <button className="danger" onClick={() => void removeContainers(ids)} aria-label={`Remove ${name}`}>
          Remove
        </button>
        {canDown && (
          <button className="danger" title="compose down: containers and networks" onClick={() => void composeDown(name)} aria-label={`Down ${name}`}>
            Down
          </button>
        )}
      </span>
    </div>
  );
}

/** Compose projects (by label) as groups of the containers list, each with its services under it. */
export function useProjectGroups(): TableGroups<ContainerSummary> {
  const collapsed = useCompose((s) => s.collapsed);
  const hasProjects = containers.use((s) => s.items.some((c) => c.composeProject));
  useEffect(() => {
    if (hasProjects && !useCompose.getState().status) void loadComposeStatus(); // whether Down can be offered
  }, [hasProjects]);
  return useMemo(
    () => ({
      of: (c) => c.composeProject,
      collapsed,
      label: (name) => `Project ${name}`,
      render: (name) => <ProjectLine name={name} collapsed={collapsed.has(name)} />,
    }),
    [collapsed],
  );
}
