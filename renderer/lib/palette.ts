/**
 * The command palette's entries and their ranking: pure, over what the lists hold. An entry is
 * data (what to do); stores/palette.ts does it. Typing "stop web" offers stopping the container
 * web; "pull nginx:1.27" offers that pull; anything else is matched, fuzzily, against every
 * page, container, image, volume, network and compose project by name.
 */
import type { ContainerAction } from '../../electron/shared/api-contract';
import type { CleanupKind, ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../../electron/shared/models';
import type { Place } from '../../electron/shared/route';
import { imageReference } from '../../electron/shared/validation';
import { composeProjects } from './compose';

export type PaletteDo =
  | { kind: 'go'; place: Place }
  | { kind: 'container'; id: string; action: ContainerAction }
  | { kind: 'project'; ids: string[]; action: ContainerAction }
  | { kind: 'pull'; ref: string }
  | { kind: 'cleanup'; what: CleanupKind }
  | { kind: 'run' }
  | { kind: 'shortcuts' }
  /** Shown, not runnable: why what was typed cannot be done. */
  | { kind: 'none' };

export interface PaletteEntry {
  key: string;
  title: string;
  /** What it is, shown beside it: "container · running", "page". */
  hint: string;
  do: PaletteDo;
}

export interface PaletteSources {
  containers: readonly ContainerSummary[];
  images: readonly ImageSummary[];
  volumes: readonly VolumeSummary[];
  networks: readonly NetworkSummary[];
}

const PAGES: [Place['view'], string][] = [
  ['containers', 'Containers'],
  ['images', 'Images'],
  ['volumes', 'Volumes'],
  ['networks', 'Networks'],
  ['resources', 'Resources'],
  ['jobs', 'Jobs'],
  ['disk', 'Disk usage'],
  ['terminal', 'Terminal'],
  ['vm', 'Berth VM'],
  ['settings', 'Settings'],
];

const CLEANUPS: [string, CleanupKind][] = [
  ['Prune dangling images', 'dangling-images'],
  ['Prune unused images', 'unused-images'],
  ['Prune stopped containers', 'containers'],
  ['Prune unused volumes', 'volumes'],
  ['Prune build cache', 'build-cache'],
];

/** The verbs a query can start with, and the container actions they name. */
const VERBS: Record<string, ContainerAction> = { stop: 'stop', start: 'start', restart: 'restart', pause: 'pause', resume: 'unpause', unpause: 'unpause', kill: 'kill' };

/**
 * How well `query` matches `text`: its characters in order (a subsequence), scored higher for a
 * match at the start, at word starts and in runs; undefined when it does not match.
 */
export function fuzzyScore(query: string, text: string): number | undefined {
  const q = query.toLowerCase().replace(/\s+/g, ' ').trim();
  const t = text.toLowerCase();
  if (!q) return 0;
  if (t === q) return 10_000;
  const at = t.indexOf(q);
  if (at >= 0) return 5_000 - at + (at === 0 || /[\s:/_.-]/.test(t[at - 1]!) ? 1_000 : 0);
  let score = 0;
  let from = 0;
  let run = 0;
  for (const ch of q) {
    if (ch === ' ') continue;
    const i = t.indexOf(ch, from);
    if (i < 0) return undefined;
    run = i === from ? run + 1 : 0;
    score += 10 + run * 5 + (i === 0 || /[\s:/_.-]/.test(t[i - 1]!) ? 20 : 0) - Math.min(i - from, 10);
    from = i + 1;
  }
  return score;
}

function everything(s: PaletteSources): PaletteEntry[] {
  const out: PaletteEntry[] = [];
  for (const [view, title] of PAGES) out.push({ key: `page:${view}`, title, hint: 'page', do: { kind: 'go', place: { view } } });
  out.push({ key: 'run', title: 'Run a container…', hint: 'action', do: { kind: 'run' } });
  out.push({ key: 'shortcuts', title: 'Keyboard shortcuts', hint: 'help', do: { kind: 'shortcuts' } });
  for (const [title, what] of CLEANUPS) out.push({ key: `cleanup:${what}`, title, hint: 'action', do: { kind: 'cleanup', what } });
  for (const c of s.containers) out.push({ key: `c:${c.id}`, title: c.name, hint: `container · ${c.state}`, do: { kind: 'go', place: { view: 'containers', detail: c.id } } });
  for (const { name } of composeProjects(s.containers))
    out.push({ key: `p:${name}`, title: name, hint: 'compose project · logs', do: { kind: 'go', place: { view: 'containers', projectLogs: name } } });
  for (const i of s.images)
    for (const tag of i.tags.length ? i.tags : [i.id.slice(7, 19)])
      out.push({ key: `i:${i.id}:${tag}`, title: tag, hint: 'image', do: { kind: 'go', place: { view: 'images', detail: i.id.replace(/^sha256:/, '') } } });
  for (const v of s.volumes) out.push({ key: `v:${v.name}`, title: v.name, hint: 'volume', do: { kind: 'go', place: { view: 'volumes', detail: v.name } } });
  for (const n of s.networks) out.push({ key: `n:${n.id}`, title: n.name, hint: 'network', do: { kind: 'go', place: { view: 'networks', detail: n.id } } });
  return out;
}

/** "stop web": the action on each container (and compose project) whose name matches the rest. */
function verbEntries(verb: string, rest: string, s: PaletteSources): PaletteEntry[] {
  const action = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined; // not "constructor" and the like
  if (!action) return [];
  const label = verb[0]!.toUpperCase() + verb.slice(1);
  const out: PaletteEntry[] = [];
  for (const c of s.containers) out.push({ key: `${verb}:c:${c.id}`, title: `${label} ${c.name}`, hint: `container · ${c.state}`, do: { kind: 'container', id: c.id, action } });
  for (const { name, ids } of composeProjects(s.containers))
    out.push({ key: `${verb}:p:${name}`, title: `${label} ${name}`, hint: `compose project · ${ids.length} containers`, do: { kind: 'project', ids, action } });
  return rank(out, `${label} ${rest}`);
}

function rank(entries: PaletteEntry[], query: string): PaletteEntry[] {
  return entries
    .map((e) => ({ e, score: fuzzyScore(query, e.title) }))
    .filter((x): x is { e: PaletteEntry; score: number } => x.score !== undefined)
    .sort((a, b) => b.score - a.score || a.e.title.localeCompare(b.e.title))
    .map((x) => x.e);
}

/** The entries for what is typed, best first, at most `limit`. */
export function paletteEntries(query: string, s: PaletteSources, limit = 50): PaletteEntry[] {
  const q = query.trim().replace(/\s+/g, ' ');
  if (!q) return everything(s).slice(0, limit); // pages and actions first, in their order
  const [first = '', ...more] = q.split(' ');
  const rest = more.join(' ');
  const head: PaletteEntry[] = [];
  if (first.toLowerCase() === 'pull' && rest) {
    const ref = imageReference.safeParse(rest);
    head.push(
      ref.success
        ? { key: `pull:${rest}`, title: `Pull ${rest}`, hint: 'image · from its registry', do: { kind: 'pull', ref: rest } }
        : { key: 'pull:bad', title: `Pull ${rest}`, hint: `not an image reference: ${ref.error.issues[0]?.message ?? 'invalid'}`, do: { kind: 'none' } },
    );
  }
  const verbs = rest ? verbEntries(first.toLowerCase(), rest, s) : [];
  const seen = new Set<string>();
  return [...head, ...verbs, ...rank(everything(s), q)].filter((e) => !seen.has(e.key) && seen.add(e.key)).slice(0, limit);
}
