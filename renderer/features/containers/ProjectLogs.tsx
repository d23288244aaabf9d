/** A compose project's logs: every service's lines merged in time order, each in its service's colour. */
import { useEffect } from 'react';
import { sourceColour } from '../../lib/log-sources';
import { closeLogs, openProjectLogs, useLogs } from '../../stores/logs';
import { closeDetail } from '../../stores/ui';
import { LogPanel } from '../logs/LogPanel';

export function ProjectLogs({ project }: { project: string }) {
  const sources = useLogs((s) => s.sources);
  useEffect(() => {
    openProjectLogs(project);
    return closeLogs;
  }, [project]);
  return (
    <section className="view detail">
      <header className="toolbar">
        <button onClick={closeDetail} aria-label="Back to containers">
          ← Containers
        </button>
        <h1>{project}</h1>
        <span className="muted">compose project · logs of all its services</span>
        <span className="toolbar-actions" role="group" aria-label="Services">
          {sources.map((s) => (
            <span key={s} className="log-source" style={{ color: sourceColour(sources, s) }}>
              ● {s}
            </span>
          ))}
        </span>
      </header>
      <LogPanel name={project} label={`Logs of ${project}`} />
    </section>
  );
}
