import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { useComposeProject, watchComposeProject } from '../../stores/compose-project';
import { closeDialog } from '../../stores/ui';

/** A compose project's services with their state (not created ones too), and the files, env file and profiles it runs with. */
export function ComposeProjectDialog({ project }: { project: string }) {
  const { info, error } = useComposeProject(useShallow((s) => ({ info: s.project === project ? s.info : undefined, error: s.project === project ? s.error : undefined })));
  useEffect(() => watchComposeProject(project), [project]);
  return (
    <Dialog title={`Compose project ${project}`} onClose={closeDialog} wide>
      {error && <p className="form-error">{error}</p>}
      {!info && !error && <p className="muted">Loading…</p>}
      {info && (
        <>
          <p className="muted small">
            {info.source === 'berth' ? 'As Berth brought it up' : 'As its containers’ labels say (started outside Berth; its profiles are not labelled)'}: in {info.workingDir}
          </p>
          <ol className="mono small" aria-label="Compose files">
            {info.files.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ol>
          {info.envFile && (
            <p className="small">
              Env file: <span className="mono">{info.envFile}</span>
            </p>
          )}
          <p className="small">Profiles: {info.profiles.length ? info.profiles.join(', ') : 'none'}</p>
          {info.problem && <p className="warning">{info.problem}</p>}
          <table aria-label={`Services of ${project}`}>
            <thead>
              <tr>
                <th>Service</th>
                <th>State</th>
                <th>Containers</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {info.services.map((s) => (
                <tr key={s.service}>
                  <td className="mono">{s.service}</td>
                  <td>{s.state === 'exited' && s.exitCode !== undefined ? `exited (${s.exitCode})` : s.state}</td>
                  <td>{s.containers}</td>
                  <td className="muted">{s.status ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Dialog>
  );
}
