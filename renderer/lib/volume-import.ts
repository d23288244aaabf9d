/** The Import and Clone a volume forms' checks: what is wrong, in words, or nothing. */
import { resourceName } from '../../electron/shared/api-contract';

/** What is wrong with a name for a new volume; `taken` are the names the engine already has. */
export function nameProblem(name: string, taken: readonly string[] = []): string | undefined {
  const n = name.trim();
  if (!n) return 'The volume name is needed.';
  if (n.length > 128) return `The volume name is ${n.length} characters long: 128 at most.`;
  const checked = resourceName.safeParse(n);
  if (!checked.success) return `The volume name ${checked.error.issues[0]?.message ?? 'is not valid'}.`;
  if (taken.includes(n)) return `A volume named ${n} already exists: choose another name.`;
  return undefined;
}

export function importProblem(name: string, file?: { name: string; size: number }): string | undefined {
  const wrong = nameProblem(name);
  if (wrong) return wrong;
  if (!file) return 'Choose a tar file to import.';
  if (file.size === 0) return `${file.name} is empty: choose a tar archive, such as one Export made.`;
  return undefined;
}
