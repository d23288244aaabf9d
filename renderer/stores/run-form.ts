/**
 * The Run dialog's state and logic. The form holds what the user typed (strings); formToSpec
 * turns it into a RunSpec, saying which field is wrong; the contract's own schema then checks the
 * spec, so the dialog refuses exactly what the router would. Blank rows are ignored.
 */
import { create } from 'zustand';
import { requests } from '../../electron/shared/api-contract';
import { parseBytes, parseEnvFile, splitArgs, toDockerRunCommand, type RunSpecInput, RESTART_POLICIES } from '../../electron/shared/run-spec';
import { formatIssues } from '../../electron/shared/validation';
import { api } from '../api';
import { closeDialog, openDialog, toast } from './ui';

export type Restart = (typeof RESTART_POLICIES)[number];
export interface PortRow { hostIp: string; hostPort: string; containerPort: string; protocol: 'tcp' | 'udp' }
export interface MountRow { type: 'volume' | 'bind' | 'tmpfs'; source: string; target: string; readOnly: boolean; size: string }
export interface KeyValueRow { key: string; value: string }

export interface RunForm {
  image: string;
  name: string;
  command: string;
  entrypoint: string;
  ports: PortRow[];
  mounts: MountRow[];
  env: KeyValueRow[];
  labels: KeyValueRow[];
  network: string;
  restart: Restart;
  maxRetries: string;
  autoRemove: boolean;
  interactive: boolean;
  tty: boolean;
  readOnly: boolean;
  init: boolean;
  cpus: string;
  memory: string;
  user: string;
  workdir: string;
  capAdd: string;
  capDrop: string;
}

type Rows = { ports: PortRow; mounts: MountRow; env: KeyValueRow; labels: KeyValueRow };
export const blankRow: { [K in keyof Rows]: () => Rows[K] } = {
  ports: () => ({ hostIp: '127.0.0.1', hostPort: '', containerPort: '', protocol: 'tcp' }),
  mounts: () => ({ type: 'volume', source: '', target: '', readOnly: false, size: '' }),
  env: () => ({ key: '', value: '' }),
  labels: () => ({ key: '', value: '' }),
};

export function emptyForm(image = ''): RunForm {
  return {
    image, name: '', command: '', entrypoint: '', ports: [], mounts: [], env: [], labels: [], network: '', restart: 'no', maxRetries: '',
    autoRemove: false, interactive: false, tty: false, readOnly: false, init: false, cpus: '', memory: '', user: '', workdir: '', capAdd: '', capDrop: '',
  };
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined);
const num = (s: string, what: string): number | undefined => {
  if (!s.trim()) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`${what} must be a number`);
  return n;
};
const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);

export function formToSpec(f: RunForm): { spec: RunSpecInput } | { error: string } {
  try {
    const args = (s: string, what: string) => {
      try {
        return s.trim() ? splitArgs(s) : undefined;
      } catch (e) {
        throw new Error(`${what}: ${(e as Error).message}`);
      }
    };
    const spec: RunSpecInput = {
      image: f.image.trim(),
      name: opt(f.name),
      command: args(f.command, 'Command'),
      entrypoint: args(f.entrypoint, 'Entrypoint'),
      ports: f.ports
        .filter((p) => p.hostPort.trim() || p.containerPort.trim())
        .map((p, i) => ({ hostIp: p.hostIp.trim() || '127.0.0.1', hostPort: num(p.hostPort, `Port ${i + 1}: host port`), containerPort: num(p.containerPort, `Port ${i + 1}: container port`) ?? NaN, protocol: p.protocol })),
      mounts: f.mounts
        .filter((m) => m.source.trim() || m.target.trim())
        .map((m, i) => {
          const target = m.target.trim();
          if (m.type === 'tmpfs') return { type: 'tmpfs' as const, target, ...(m.size.trim() ? { sizeBytes: parseBytes(m.size) } : {}) };
          if (m.type === 'bind') return { type: 'bind' as const, source: m.source.trim(), target, readOnly: m.readOnly };
          if (!target) throw new Error(`Volume ${i + 1}: the container path is required`);
          return { type: 'volume' as const, ...(m.source.trim() ? { source: m.source.trim() } : {}), target, readOnly: m.readOnly };
        }),
      env: f.env.filter((e) => e.key.trim() || e.value).map((e) => ({ key: e.key.trim(), value: e.value })),
      labels: Object.fromEntries(f.labels.filter((l) => l.key.trim()).map((l) => [l.key.trim(), l.value])),
      network: opt(f.network),
      restart: f.restart,
      maxRetries: f.restart === 'on-failure' ? num(f.maxRetries, 'Max retries') : undefined,
      autoRemove: f.autoRemove,
      interactive: f.interactive,
      tty: f.tty,
      cpus: num(f.cpus, 'CPUs'),
      memoryBytes: f.memory.trim() ? parseBytes(f.memory) : undefined,
      user: opt(f.user),
      workdir: opt(f.workdir),
      readOnly: f.readOnly,
      capAdd: words(f.capAdd),
      capDrop: words(f.capDrop),
      init: f.init,
    };
    const checked = requests['containers.run'].args.safeParse(spec);
    return checked.success ? { spec } : { error: formatIssues(checked.error) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The equivalent docker run line, or why there is none yet. */
export function commandPreview(f: RunForm): { command: string } | { error: string } {
  const r = formToSpec(f);
  return 'spec' in r ? { command: toDockerRunCommand(r.spec) } : r;
}

interface RunFormState {
  form: RunForm;
  busy: boolean;
  error?: string;
}

export const useRunForm = create<RunFormState>(() => ({ form: emptyForm(), busy: false }));

export function openRunDialog(image = ''): void {
  useRunForm.setState({ form: emptyForm(image), busy: false, error: undefined });
  openDialog({ kind: 'run' });
}

export const updateForm = (patch: Partial<RunForm>) => useRunForm.setState((s) => ({ form: { ...s.form, ...patch } }));

export function addRow<K extends keyof Rows>(list: K): void {
  useRunForm.setState((s) => ({ form: { ...s.form, [list]: [...s.form[list], blankRow[list]()] } }));
}

export function setRow<K extends keyof Rows>(list: K, index: number, patch: Partial<Rows[K]>): void {
  useRunForm.setState((s) => ({ form: { ...s.form, [list]: (s.form[list] as Rows[K][]).map((r, i) => (i === index ? { ...r, ...patch } : r)) } }));
}

export function removeRow(list: keyof Rows, index: number): void {
  useRunForm.setState((s) => ({ form: { ...s.form, [list]: (s.form[list] as unknown[]).filter((_, i) => i !== index) } }));
}

/** Adds the variables of a .env file as rows (replacing rows with the same key). */
export function loadEnvFile(text: string): void {
  try {
    const vars = parseEnvFile(text);
    const keys = new Set(vars.map((v) => v.key));
    useRunForm.setState((s) => ({ error: undefined, form: { ...s.form, env: [...s.form.env.filter((e) => e.key.trim() && !keys.has(e.key.trim())), ...vars] } }));
  } catch (e) {
    useRunForm.setState({ error: `Env file: ${(e as Error).message}` });
  }
}

export async function submitRun(): Promise<void> {
  const r = formToSpec(useRunForm.getState().form);
  if ('error' in r) return void useRunForm.setState({ error: r.error });
  useRunForm.setState({ busy: true, error: undefined });
  try {
    const { name } = await api().call('containers.run', r.spec);
    toast({ kind: 'success', title: `Started ${name}` });
    closeDialog();
  } catch (e) {
    useRunForm.setState({ error: (e as Error).message }); // the form keeps everything the user typed
  } finally {
    useRunForm.setState({ busy: false });
  }
}
