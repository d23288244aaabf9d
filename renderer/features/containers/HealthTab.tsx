/** The Health tab: the container's health check, and its last probes with what they printed. */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { failingWords } from '../../lib/format';
import { useEngine } from '../../stores/engine';
import { useHealthReport, watchHealth } from '../../stores/health';

const seconds = (ms: number) => `${(ms / 1000).toLocaleString(undefined, { maximumFractionDigits: 1 })} s`;

export function HealthTab({ id }: { id: string }) {
  const { report, error } = useHealthReport(useShallow((s) => ({ report: s.report, error: s.error })));
  const podman = useEngine((s) => s.status?.product === 'podman');
  useEffect(() => watchHealth(id), [id]);
  if (error) return <p className="list-error">Could not read its health: {error}</p>;
  if (!report) return <p className="muted">Loading…</p>;
  const { check } = report;
  if (!check)
    return (
      <p className="muted">
        This container has no health check. Give it one when you run it (Run… → Health check, or <span className="mono">--health-cmd</span>), or in its image with{' '}
        <span className="mono">HEALTHCHECK</span>.
      </p>
    );
  const failing = failingWords(report.failingStreak);
  return (
    <div className="health-tab">
      <dl className="summary" aria-label="Health check">
        <div>
          <dt>Health</dt>
          <dd>
            {report.status === 'none' ? <span className="muted">not checked while the container is not running</span> : <Badge label={report.status} />}{' '}
            {failing && <span className="muted">{failing}</span>}
          </dd>
        </div>
        <div>
          <dt>Check</dt>
          <dd className="mono">{check.command}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>
            every {seconds(check.interval)}, timeout {seconds(check.timeout)}, unhealthy after {check.retries} failed in a row
            {check.startPeriod ? `, failures not counted in the first ${seconds(check.startPeriod)}` : ''}
          </dd>
        </div>
      </dl>
      {podman && report.probes.length === 0 && (
        <p className="muted" role="note">
          Podman runs health checks from systemd timers: where Podman&apos;s host has no systemd, they never run and the health stays &quot;starting&quot;.
        </p>
      )}
      {report.probes.length === 0 ? (
        <p className="muted">No check has run yet.</p>
      ) : (
        <table className="probes" aria-label="Last checks">
          <thead>
            <tr>
              <th>When</th>
              <th>Took</th>
              <th>Result</th>
              <th>Output</th>
            </tr>
          </thead>
          <tbody>
            {report.probes.map((p, i) => (
              <tr key={`${i}-${p.start}`}>
                <td className="nowrap">{new Date(p.start).toLocaleTimeString()}</td>
                <td className="nowrap">{Math.max(0, p.end - p.start).toLocaleString()} ms</td>
                <td className="nowrap">{p.exitCode === 0 ? <Badge label="passed" /> : <Badge label="failed" title={`exit code ${p.exitCode}`} />}</td>
                <td>
                  <pre className="probe-output">{p.output.trimEnd() || '(no output)'}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
