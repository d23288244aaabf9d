/**
 * Background jobs as the renderer's Jobs panel, its toasts, the tray and the desktop app's OS
 * notifications all say them: the kinds, the words, and what the renderer reports to the main
 * process (a running job's share done, an ended one's result). Pure: no node or DOM.
 */
export const JOB_KINDS = [
  'pull',
  'push',
  'build',
  'load',
  'save',
  'compose-up',
  'compose-down',
  'compose-service',
  'compose-images',
  'download',
  'upload',
  'export',
  'volume-export',
  'volume-import',
  'volume-clone',
  'stack-deploy',
  'stack-remove',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** One job as the renderer reports it to the main process (for the tray and OS notifications). */
export interface JobReport {
  id: number;
  kind: JobKind;
  target: string;
  status: JobStatus;
  /** Whole percent done, where that is known. */
  percent?: number;
  error?: string;
}

/** Jobs the registry keeps (running ones are never dropped), and so the most a report holds. */
export const JOBS_KEPT = 50;

const DOING: Record<JobKind, string> = {
  pull: 'Pulling',
  push: 'Pushing',
  build: 'Building',
  load: 'Loading images from',
  save: 'Saving',
  'compose-up': 'Compose up of',
  'compose-down': 'Taking down',
  'compose-service': 'Running compose',
  'compose-images': 'Running compose',
  download: 'Downloading',
  upload: 'Uploading',
  export: 'Exporting',
  'volume-export': 'Exporting the volume',
  'volume-import': 'Importing into the volume',
  'volume-clone': 'Cloning the volume',
  'stack-deploy': 'Deploying the stack',
  'stack-remove': 'Removing the stack',
};
const DONE: Record<JobKind, string> = {
  pull: 'Pulled',
  push: 'Pushed',
  build: 'Built',
  load: 'Loaded images from',
  save: 'Saved',
  'compose-up': 'Compose project is up:',
  'compose-down': 'Took down',
  'compose-service': 'Compose ran',
  'compose-images': 'Compose ran',
  download: 'Downloaded',
  upload: 'Uploaded',
  export: 'Exported',
  'volume-export': 'Exported the volume',
  'volume-import': 'Imported into the volume',
  'volume-clone': 'Cloned the volume',
  'stack-deploy': 'Deployed the stack',
  'stack-remove': 'Removed the stack',
};
const NOUN: Record<JobKind, string> = {
  pull: 'pull',
  push: 'push',
  build: 'build',
  load: 'load',
  save: 'save',
  'compose-up': 'compose up',
  'compose-down': 'compose down',
  'compose-service': 'compose run',
  'compose-images': 'compose run',
  download: 'download',
  upload: 'upload',
  export: 'export',
  'volume-export': 'export',
  'volume-import': 'import',
  'volume-clone': 'clone',
  'stack-deploy': 'deploy',
  'stack-remove': 'removal',
};

/** "Pulling busybox", for a running job. */
export const jobDoing = (j: Pick<JobReport, 'kind' | 'target'>): string => `${DOING[j.kind]} ${j.target}`;

/** How a job ended, in a few words: "Pulled busybox", "The push of x failed", "The pull of x was cancelled". */
export function jobEndTitle(j: Pick<JobReport, 'kind' | 'target' | 'status'>): string {
  if (j.status === 'done') return `${DONE[j.kind]} ${j.target}`;
  if (j.status === 'failed') return `The ${NOUN[j.kind]} of ${j.target} failed`;
  if (j.status === 'cancelled') return `The ${NOUN[j.kind]} of ${j.target} was cancelled`;
  return jobDoing(j);
}

/**
 * The jobs of `next` that ended done or failed since `prev`: running then, or not there yet (a
 * short job may start and end between two reports). A cancel is the user's own doing: not said.
 */
export function newlyEnded(prev: readonly JobReport[], next: readonly JobReport[]): JobReport[] {
  const before = new Map(prev.map((j) => [j.id, j.status]));
  return next.filter((j) => (j.status === 'done' || j.status === 'failed') && (before.get(j.id) ?? 'running') === 'running');
}
