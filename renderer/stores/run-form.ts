/**
 * The Run dialog's state and actions (the form and the spec it makes: run-form-spec.ts). A refusal
 * (the form's, or the engine's after Run) names its field when there is one, so the dialog can
 * show it there; a picked .env file with problems holds Run back until it is fixed or removed.
 */
import { create } from 'zustand';
import { BerthError } from '../../electron/shared/errors';
import { api } from '../api';
import { readEnvFile } from '../lib/env-file';
import { fieldHint, refusalField, type FieldId, type RunForm } from './run-fields';
import { blankRow, emptyForm, formToSpec, type Rows } from './run-form-spec';
import { closeDialog, openDialog, toast } from './ui';

/** Why Run did not run: the field it is about (when there is one), the reason, the engine's hint. */
export interface RunRefusal {
  message: string;
  hint?: string;
  field?: FieldId;
}

/** The .env file the user picked: added rows, or the problems that kept it out. */
export interface EnvFilePick {
  name: string;
  added: number;
  problems: string[];
}

interface RunFormState {
  form: RunForm;
  busy: boolean;
  error?: RunRefusal;
  /** Counts refusals, so the dialog moves focus to each new one (even with the same text). */
  errorSeq: number;
  envFile?: EnvFilePick;
}

export const useRunForm = create<RunFormState>(() => ({ form: emptyForm(), busy: false, errorSeq: 0 }));

function refuse(error: RunRefusal): void {
  useRunForm.setState((s) => ({ error, errorSeq: s.errorSeq + 1 }));
}

/** Editing the field a refusal is about takes the refusal away. */
function clearErrorOn(touched: (field: FieldId) => boolean): void {
  const field = useRunForm.getState().error?.field;
  if (field && touched(field)) useRunForm.setState({ error: undefined });
}

export function openRunDialog(image = ''): void {
  openRunDialogWith(emptyForm(image));
}

export function openRunDialogWith(form: RunForm): void {
  useRunForm.setState({ form, busy: false, error: undefined, envFile: undefined });
  openDialog({ kind: 'run' });
}

export function updateForm(patch: Partial<RunForm>): void {
  useRunForm.setState((s) => ({ form: { ...s.form, ...patch } }));
  clearErrorOn((field) => field in patch);
}

export function addRow<K extends keyof Rows>(list: K): void {
  useRunForm.setState((s) => ({ form: { ...s.form, [list]: [...s.form[list], blankRow[list]()] } }));
}

export function setRow<K extends keyof Rows>(list: K, index: number, patch: Partial<Rows[K]>): void {
  useRunForm.setState((s) => ({ form: { ...s.form, [list]: (s.form[list] as Rows[K][]).map((r, i) => (i === index ? { ...r, ...patch } : r)) } }));
  clearErrorOn((field) => field.startsWith(`${list}.${index}.`));
}

export function removeRow(list: keyof Rows, index: number): void {
  useRunForm.setState((s) => ({ form: { ...s.form, [list]: (s.form[list] as unknown[]).filter((_, i) => i !== index) } }));
  clearErrorOn((field) => field.startsWith(`${list}.`)); // the rows after it moved up
}

/**
 * A picked .env file: its variables are added as rows (replacing rows with the same name), or,
 * when any line is wrong, nothing is added and Run is held back until the file is fixed and picked
 * again, or removed.
 */
export function pickEnvFile(name: string, bytes: Uint8Array): void {
  const r = readEnvFile(bytes);
  clearErrorOn((field) => field === 'envFile');
  if (!r.ok) {
    useRunForm.setState({ envFile: { name, added: 0, problems: r.problems } });
    return refuse({ field: 'envFile', message: `${name} was not loaded: none of its variables were added.`, hint: 'Fix these lines and pick the file again, or remove it.' });
  }
  const keys = new Set(r.vars.map((v) => v.key));
  useRunForm.setState((s) => ({
    envFile: { name, added: r.vars.length, problems: [] },
    form: { ...s.form, env: [...s.form.env.filter((e) => e.key.trim() && !keys.has(e.key.trim())), ...r.vars] },
  }));
}

export function removeEnvFile(): void {
  useRunForm.setState({ envFile: undefined });
  clearErrorOn((field) => field === 'envFile');
}

export async function submitRun(): Promise<void> {
  const { form, envFile } = useRunForm.getState();
  if (envFile?.problems.length) {
    return refuse({
      field: 'envFile',
      message: `${envFile.name} has errors, so none of its variables are in the form: Run would start the container without them.`,
      hint: 'Fix these lines and pick the file again, or remove it.',
    });
  }
  const r = formToSpec(form);
  if ('error' in r) return refuse({ message: r.error, field: r.field });
  useRunForm.setState({ busy: true, error: undefined });
  try {
    const { name } = await api().call('containers.run', r.spec);
    toast({ kind: 'success', title: `Started ${name}` });
    closeDialog();
  } catch (e) {
    const err = BerthError.from(e);
    const field = refusalField(form, err.message);
    // At a field, its own hint (written for this form) says best what to do; else the engine's.
    refuse({ message: err.message, hint: (field && fieldHint(field)) || err.hint, field }); // the form keeps everything the user typed
  } finally {
    useRunForm.setState({ busy: false });
  }
}
