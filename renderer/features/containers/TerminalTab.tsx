/** The Terminal tab: a terminal in the container, with the command, user and folder it runs chosen. */
import { useMemo, useState } from 'react';
import { shellJoin } from '../../../electron/shared/run-spec';
import { execChoiceOf } from '../../stores/exec-choice';
import { hasTerminal, type ExecChoice } from '../../stores/terminals';
import { TerminalPanel } from '../terminal/TerminalPanel';

/** Command, user and folder typed for a container's next terminal (kept per container while Berth runs). */
const execDrafts = new Map<string, { command: string; user: string; workdir: string }>();
/** What the container's terminal session was opened with: back on the tab, the same session says so. */
const openedWith = new Map<string, ExecChoice>();

export function TerminalTab({ id, running }: { id: string; running: boolean }) {
  const [draft, setDraft] = useState(() => execDrafts.get(id) ?? { command: '', user: '', workdir: '' });
  const [applied, setApplied] = useState<{ choice?: ExecChoice; restart: number }>(() => ({ choice: openedWith.get(id), restart: 0 }));
  const [problem, setProblem] = useState<string>();
  const target = useMemo(() => ({ kind: 'container' as const, id, ...(applied.choice ? { exec: applied.choice } : {}) }), [id, applied.choice]);
  const edit = (patch: Partial<typeof draft>) => {
    const next = { ...draft, ...patch };
    execDrafts.set(id, next);
    setDraft(next);
  };
  const open = () => {
    const r = execChoiceOf(draft);
    setProblem('error' in r ? r.error : undefined);
    if (!('choice' in r)) return;
    openedWith.set(id, r.choice);
    setApplied((a) => ({ choice: r.choice, restart: a.restart + 1 }));
  };
  if (!running && !hasTerminal(target)) return <p className="muted">Start the container to open a shell in it.</p>;
  const c = applied.choice;
  const intro = `${c?.command ? shellJoin(c.command) : 'A shell (bash when the image has it, else sh)'} in the container${c?.user ? ` as ${c.user}` : ''}${c?.workdir ? ` in ${c.workdir}` : ''}.`;
  return (
    <TerminalPanel target={target} intro={intro} restart={applied.restart}>
      <form
        className="log-toolbar exec-choice"
        aria-label="Terminal options"
        onSubmit={(e) => {
          e.preventDefault();
          open();
        }}
      >
        <input aria-label="Command" className="mono" placeholder="bash, else sh" value={draft.command} onChange={(e) => edit({ command: e.target.value })} spellCheck={false} />
        <input aria-label="User" className="mono" placeholder="the image's user (0: root)" value={draft.user} onChange={(e) => edit({ user: e.target.value })} spellCheck={false} />
        <input aria-label="Working folder" className="mono" placeholder="the image's folder" value={draft.workdir} onChange={(e) => edit({ workdir: e.target.value })} spellCheck={false} />
        <button type="submit">Open a new terminal</button>
        {problem && (
          <span className="form-error" role="alert">
            {problem}
          </span>
        )}
      </form>
    </TerminalPanel>
  );
}
