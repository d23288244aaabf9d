/** A swarm service's logs merged over its tasks, live: each line named by its task and node, in its task's colour; of one task or one node when asked. */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { shortId } from '../../lib/format';
import { sourceColour } from '../../lib/log-sources';
import { closeLogs, openServiceLogs, useLogs } from '../../stores/logs';
import { refreshLogTasks, setServiceLogFilter, toggleServiceLogs, useSwarm } from '../../stores/swarm';
import { LogPanel } from '../logs/LogPanel';

export function ServiceLogs() {
  const { of, tasks, filter, nodes } = useSwarm(useShallow((s) => ({ of: s.logsOf, tasks: s.logTasks, filter: s.logFilter, nodes: s.nodes })));
  const sources = useLogs((s) => s.sources);
  useEffect(() => {
    if (!of) return;
    openServiceLogs(of.id, filter);
    return closeLogs;
  }, [of, filter]);
  // A task new in the log (a scale, an update): the filter's list is read again.
  useEffect(() => {
    if (of && sources.length) void refreshLogTasks();
  }, [of, sources.length]);
  if (!of) return null;
  return (
    <section className="service-logs" aria-label={`Logs of ${of.name}`}>
      <header className="toolbar">
        <h3>Logs of {of.name}</h3>
        <span className="muted">all its tasks, each line named task@node</span>
        <label>
          Task{' '}
          <select aria-label="Only the task" value={filter.task ?? ''} onChange={(e) => setServiceLogFilter({ ...filter, task: e.target.value || undefined })}>
            <option value="">all tasks</option>
            {tasks.map((t) => (
              <option key={t.id} value={t.id}>
                {of.name}.{t.slot ?? shortId(t.nodeId ?? '')} {t.node ? `@${t.node}` : ''} ({t.state}, {shortId(t.id)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Node{' '}
          <select aria-label="Only the node" value={filter.node ?? ''} onChange={(e) => setServiceLogFilter({ ...filter, node: e.target.value || undefined })}>
            <option value="">all nodes</option>
            {nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {n.hostname}
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar-actions" role="group" aria-label="Tasks in the log">
          {sources.map((s) => (
            <span key={s} className="log-source" style={{ color: sourceColour(sources, s) }}>
              ● {s}
            </span>
          ))}
          <button onClick={() => void toggleServiceLogs(of)} aria-label={`Close the logs of ${of.name}`}>
            Close
          </button>
        </span>
      </header>
      <LogPanel name={of.name} label={`Logs of ${of.name}`} />
    </section>
  );
}
