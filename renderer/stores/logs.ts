/**
 * The log view of one container. Lines stream in from `containers.logs` and are kept in a ring
 * buffer of LOG_CAPACITY lines: memory stays bounded however long the log (older lines are dropped
 * and the view says how many). The store publishes a new `version` at most every UPDATE_MS, so a
 * flood of lines costs a few renders a second, not one per chunk.
 */
import { create } from 'zustand';
import type { LogLine } from '../../electron/shared/models';
import { api } from '../api';
import { stripAnsi } from '../lib/ansi';
import { readLogRange } from '../lib/log-range';
import { makeMatcher } from '../lib/matcher';
import { RingBuffer } from '../lib/ring-buffer';

export const LOG_CAPACITY = 200_000; // lines, ~40 MB at worst for 200-byte lines
const UPDATE_MS = 50;

export type TailOption = 1000 | 10_000 | 'all';

/** Whose log the view shows: one container's, a compose project's merged, or a swarm service's merged over its tasks (of one task or node only, when set). */
export type LogTarget = { container: string } | { project: string } | { service: string; task?: string; node?: string };

export interface LogsState {
  target?: LogTarget;
  /** The services seen in a project's merged log, sorted (their colours follow this order). */
  sources: string[];
  /** Long lines wrap instead of scrolling sideways. */
  wrap: boolean;
  status: 'idle' | 'streaming' | 'ended' | 'error';
  error?: string;
  version: number;
  length: number;
  dropped: number;
  tail: TailOption;
  timestamps: boolean;
  follow: boolean;
  query: string;
  /** The query is a regular expression. */
  regex: boolean;
  /** Why the query matches nothing (not a regular expression, or one too costly). */
  queryError?: string;
  /** Only the matching lines are shown (`matches` map the view's rows to the buffer's). */
  onlyMatching: boolean;
  /** Unix seconds: the lines from then, and before `until`. */
  since?: number;
  until?: number;
  /** Indices (into the buffer) of lines matching the query. */
  matches: number[];
  /** Position in `matches` of the current match, -1 when none. */
  current: number;
}

const buffer = new RingBuffer<LogLine>(LOG_CAPACITY);
let stream: { cancel(): void } | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

export const useLogs = create<LogsState>(() => ({
  status: 'idle',
  version: 0,
  length: 0,
  dropped: 0,
  tail: 10_000,
  timestamps: false,
  follow: true,
  query: '',
  regex: false,
  onlyMatching: false,
  matches: [],
  current: -1,
  sources: [],
  wrap: false,
}));

export const logLine = (i: number): LogLine | undefined => buffer.at(i);

export function lineText(l: LogLine, timestamps: boolean): string {
  const text = l.source ? `${l.source} | ${stripAnsi(l.text)}` : stripAnsi(l.text);
  return timestamps && l.time ? `${l.time} ${text}` : text;
}

/*
 * Search is incremental: matches are kept as absolute line numbers (dropped + index), and each
 * publish only searches the lines that came in since, so a flooding log with an active search
 * costs the new lines, not the whole buffer, every UPDATE_MS.
 */
let searched = 0; // absolute number of the first line not searched yet
let found: number[] = []; // absolute numbers of matching lines

function searchNew(query: string, regex = useLogs.getState().regex): number[] {
  const m = makeMatcher(query, regex);
  const total = buffer.dropped + buffer.length;
  if (!m || 'error' in m) {
    found = [];
  } else {
    for (let abs = Math.max(searched, buffer.dropped); abs < total; abs++) {
      if (m.test(stripAnsi(buffer.at(abs - buffer.dropped)!.text))) found.push(abs);
    }
    if (found.length && found[0]! < buffer.dropped) found = found.filter((abs) => abs >= buffer.dropped);
  }
  searched = total;
  return found.map((abs) => abs - buffer.dropped);
}

/** Searches everything kept again (a new query, or a cleared buffer). */
function searchAll(query: string, regex?: boolean): number[] {
  searched = buffer.dropped;
  found = [];
  return searchNew(query, regex);
}

function publish(): void {
  clearTimeout(timer);
  timer = undefined;
  useLogs.setState((s) => {
    const matches = searchNew(s.query);
    return { version: s.version + 1, length: buffer.length, dropped: buffer.dropped, matches, current: Math.min(s.current, matches.length - 1) };
  });
}

function schedulePublish(): void {
  timer ??= setTimeout(publish, UPDATE_MS);
}

const sameTarget = (a?: LogTarget, b?: LogTarget) => !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
let seen = new Set<string>();

function noteSources(lines: LogLine[]): void {
  let added = false;
  for (const l of lines) {
    if (!l.source || seen.has(l.source)) continue;
    seen.add(l.source);
    added = true;
  }
  if (added) useLogs.setState({ sources: [...seen] }); // first seen first: a service that joins later takes no one's colour
}

export const openLogs = (containerId: string) => openTarget({ container: containerId });
/** A compose project's logs: all its containers merged in time order, each line named by its service. */
export const openProjectLogs = (project: string) => openTarget({ project });
/** A swarm service's logs: all its tasks merged, each line named by its task and node; of one task or one node when set. */
export const openServiceLogs = (service: string, only: { task?: string; node?: string } = {}) =>
  openTarget({ service, ...(only.task ? { task: only.task } : {}), ...(only.node ? { node: only.node } : {}) });

function openTarget(target: LogTarget): void {
  closeLogs();
  buffer.clear();
  searchAll('');
  seen = new Set();
  const { tail } = useLogs.getState();
  // Another container or project: a fresh view that follows. The same again (new tail): keep how it is viewed.
  const fresh = !sameTarget(useLogs.getState().target, target);
  useLogs.setState({
    target,
    sources: [],
    status: 'streaming',
    error: undefined,
    matches: [],
    current: -1,
    ...(fresh ? { follow: true, query: '', queryError: undefined, onlyMatching: false, since: undefined, until: undefined } : {}),
  });
  publish();
  const { since, until } = useLogs.getState(); // after the reset: another container has no range
  const range = { follow: !until, tail, ...(since ? { since } : {}), ...(until ? { until } : {}) };
  const handlers = {
    onData: (lines: LogLine[]) => {
      buffer.push(lines);
      noteSources(lines);
      schedulePublish();
    },
    onEnd: (error?: { message: string }) => {
      stream = undefined;
      useLogs.setState({ status: error ? 'error' : 'ended', error: error?.message });
      publish();
    },
  };
  stream =
    'project' in target
      ? api().stream('compose.logs', { project: target.project, ...range }, handlers)
      : 'service' in target
        ? api().stream('services.logs', { id: target.service, ...(target.task ? { task: target.task } : {}), ...(target.node ? { node: target.node } : {}), ...range }, handlers)
        : api().stream('containers.logs', { id: target.container, ...range }, handlers);
}

export function closeLogs(): void {
  stream?.cancel();
  stream = undefined;
  clearTimeout(timer);
  timer = undefined;
  useLogs.setState({ status: 'idle' });
}

export function setTail(tail: TailOption): void {
  useLogs.setState({ tail });
  const { target } = useLogs.getState();
  if (target) openTarget(target);
}

export const setTimestamps = (timestamps: boolean) => useLogs.setState({ timestamps });
export const setFollow = (follow: boolean) => useLogs.setState({ follow });
export const setWrap = (wrap: boolean) => useLogs.setState({ wrap });

export function setLogQuery(query: string, regex = useLogs.getState().regex): void {
  const m = makeMatcher(query, regex);
  const matches = searchAll(query, regex);
  useLogs.setState({
    query,
    regex,
    queryError: m && 'error' in m ? m.error : undefined,
    matches,
    current: matches.length ? matches.length - 1 : -1,
    follow: query ? false : useLogs.getState().follow,
  });
}

export const setLogRegex = (regex: boolean) => setLogQuery(useLogs.getState().query, regex);
export const setOnlyMatching = (onlyMatching: boolean) => useLogs.setState({ onlyMatching });

/** Shows the lines from `since` and before `until` (unix seconds; undefined: no bound), read again from the engine. */
export function setLogRange(since: number | undefined, until: number | undefined): void {
  useLogs.setState({ since, until });
  const { target } = useLogs.getState();
  if (target) openTarget(target);
}

/** The range the From / Until fields say, shown; or, when they say none, why (and nothing changes). */
export function showLogRange(from: string, to: string): string | undefined {
  const r = readLogRange(from, to);
  if ('problem' in r) return r.problem;
  setLogRange(r.since, r.until);
  return undefined;
}

/** The line the view shows at `row`: every line, or with onlyMatching the matching ones. */
export function shownLine(row: number): LogLine | undefined {
  const s = useLogs.getState();
  if (!s.onlyMatching || !s.query) return buffer.at(row);
  const i = s.matches[row];
  return i === undefined ? undefined : buffer.at(i);
}

/** Moves to the next (+1) or previous (-1) match, wrapping around. */
export function stepMatch(dir: 1 | -1): void {
  const { matches, current } = useLogs.getState();
  if (!matches.length) return;
  useLogs.setState({ current: (current + dir + matches.length) % matches.length, follow: false });
}

/** Empties the view; the stream goes on and new lines appear. */
export function clearLogView(): void {
  buffer.clear();
  searchAll('');
  publish();
}

/** The kept lines as plain text (for copy and download); the pieces of a line over 64 KiB joined again. */
export function logsAsText(): string {
  const { timestamps } = useLogs.getState();
  const parts: string[] = [];
  let continues = false;
  for (const l of buffer.toArray()) {
    parts.push(continues ? stripAnsi(l.text) : lineText(l, timestamps), l.more ? '' : '\n');
    continues = !!l.more;
  }
  parts.pop();
  return parts.join('');
}
