import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { cancelCompose, composeImages, composeServiceAction, useCompose } from '../../stores/compose';
import { useComposeProject, watchComposeProject } from '../../stores/compose-project';
import { startWatch, stopWatch, useComposeWatch } from '../../stores/compose-watch';
import { closeDialog } from '../../stores/ui';

const NO_LINES: string[] = [];

/** Output that keeps its last line in view as lines come. */
function Output({ label, lines }: { label: string; lines: string[] }) {
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    pre.current?.scrollTo({ top: pre.current.scrollHeight });
  }, [lines]);
  return (
    <pre className="compose-output" aria-label={label} ref={pre} tabIndex={0}>
      {lines.join('\n')}
    </pre>
  );
}

/** Pull, build and watch of the project; the output of its last service or images run, and of its watch. */
function ProjectActions({ project }: { project: string }) {
  const { busy, lastRun, output } = useCompose(
    useShallow((s) => {
      const mine = s.lastRun?.project === project ? s.lastRun : undefined;
      return { busy: s.running !== undefined || s.status?.available !== true, lastRun: mine, output: mine && (s.outputOf === 'service' || s.outputOf === 'images') ? s.output : NO_LINES };
    }),
  );
  const watch = useComposeWatch((s) => s.watches[project]);
  return (
    <>
      <div className="row-actions">
        <button onClick={() => void composeImages(project, 'pull')} disabled={busy} title="compose pull: the images the services do not build">
          Pull
        </button>
        <button onClick={() => void composeImages(project, 'build')} disabled={busy} title="compose build">
          Build
        </button>
        {watch?.running ? (
          <button onClick={() => stopWatch(project)}>Stop watch</button>
        ) : (
          <button onClick={() => startWatch(project)} title="compose watch: syncs or rebuilds as the files change (develop.watch)">
            Watch
          </button>
        )}
        {lastRun && !lastRun.done && <button onClick={cancelCompose}>Cancel {lastRun.what}</button>}
      </div>
      {lastRun && (
        <p className={lastRun.error ? 'form-error' : 'muted small'} role="status">
          {!lastRun.done ? `compose ${lastRun.what}…` : lastRun.error ? `compose ${lastRun.what} failed: ${lastRun.error}` : `compose ${lastRun.what}: done.`}
        </p>
      )}
      {output.length > 0 && <Output label="Compose output" lines={output} />}
      {watch && (
        <>
          <p className={watch.error ? 'form-error' : 'muted small'}>{watch.running ? 'compose watch is running.' : watch.error ? `compose watch: ${watch.error}` : 'compose watch stopped.'}</p>
          {watch.lines.length > 0 && <Output label="Watch output" lines={watch.lines} />}
        </>
      )}
    </>
  );
}

/** A compose project's services with their state (not created ones too), and the files, env file and profiles it runs with. */
export function ComposeProjectDialog({ project }: { project: string }) {
  const { info, error } = useComposeProject(useShallow((s) => ({ info: s.project === project ? s.info : undefined, error: s.project === project ? s.error : undefined })));
  const busy = useCompose((s) => s.running !== undefined || s.status?.available !== true);
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
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {info.services.map((s) => (
                <tr key={s.service}>
                  <td className="mono">{s.service}</td>
                  <td>{s.state === 'exited' && s.exitCode !== undefined ? `exited (${s.exitCode})` : s.state}</td>
                  <td>{s.containers}</td>
                  <td className="muted">{s.status ?? ''}</td>
                  <td className="row-actions">
                    {(['start', 'stop', 'restart'] as const).map((action) => (
                      <button
                        key={action}
                        disabled={busy || s.state === 'not created'}
                        aria-label={`${action[0]!.toUpperCase()}${action.slice(1)} service ${s.service}`}
                        onClick={() => void composeServiceAction(project, s.service, action)}
                      >
                        {action[0]!.toUpperCase() + action.slice(1)}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ProjectActions project={project} />
        </>
      )}
    </Dialog>
  );
}
