/** The Terminal tab's typed options -> what the next terminal runs, or why it cannot (checked as the API checks them). */
import { absPath, splitArgs, userSpec } from '../../electron/shared/run-spec';
import type { ExecChoice } from './terminals';

export function execChoiceOf(f: { command: string; user: string; workdir: string }): { choice: ExecChoice } | { error: string } {
  let command: string[] | undefined;
  try {
    command = f.command.trim() ? splitArgs(f.command) : undefined;
  } catch (e) {
    return { error: `Command: ${(e as Error).message}` };
  }
  const user = f.user.trim();
  const workdir = f.workdir.trim();
  const u = user ? userSpec.safeParse(user) : undefined;
  if (u && !u.success) return { error: `User: ${u.error.issues[0]!.message}` };
  const w = workdir ? absPath.safeParse(workdir) : undefined;
  if (w && !w.success) return { error: `Working folder: ${w.error.issues[0]!.message}` };
  return { choice: { ...(command?.length ? { command } : {}), ...(user ? { user } : {}), ...(workdir ? { workdir } : {}) } };
}
