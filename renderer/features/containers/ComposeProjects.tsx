import { useEffect, useMemo } from 'react';
import { composeProjects } from '../../lib/compose';
import { containerAction, removeContainers } from '../../stores/actions';
import { composeDown, loadComposeStatus, useCompose } from '../../stores/compose';
import { containers } from '../../stores/resources';
import { showProjectLogs } from '../../stores/ui';

/** Compose projects (by label) with actions on all their containers; a click filters the list to one. */
export function ComposeProjects() {
  const items = containers.use((s) => s.items);
  const projects = useMemo(() => composeProjects(items), [items]);
  const canDown = useCompose((s) => s.status?.available === true && !s.running);
  const hasProjects = projects.length > 0;
  useEffect(() => {
    if (hasProjects && !useCompose.getState().status) void loadComposeStatus();
  }, [hasProjects]);
  if (!hasProjects) return null;
  return (
    <div className="projects" aria-label="Compose projects">
      {projects.map((p) => (
        <div className="project" key={p.name} aria-label={`Project ${p.name}`}>
          <button className="link" title="Show only this project" onClick={() => containers.setQuery(p.name)}>
            {p.name}
          </button>
          <span className="muted">
            {p.running}/{p.total} running
          </span>
          <span className="row-actions">
            <button onClick={() => showProjectLogs(p.name)} aria-label={`Logs of ${p.name}`}>
              Logs
            </button>
            {p.running < p.total && <button onClick={() => void containerAction(p.ids, 'start')}>Start</button>}
            {p.running > 0 && <button onClick={() => void containerAction(p.ids, 'stop')}>Stop</button>}
            <button onClick={() => void containerAction(p.ids, 'restart')}>Restart</button>
            <button className="danger" onClick={() => void removeContainers(p.ids)}>
              Remove
            </button>
            {canDown && (
              <button className="danger" title="compose down: containers and networks" onClick={() => void composeDown(p.name)}>
                Down
              </button>
            )}
          </span>
        </div>
      ))}
    </div>
  );
}
