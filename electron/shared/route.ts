/**
 * Where the user is, as a URL hash and back: `#/containers`, `#/containers/<id>/<tab>`,
 * `#/compose/<project>/logs`, `#/images`, `#/images/<id>`, `#/volumes/<name>`, `#/networks/<id>`, ... Hash routing works the same in the desktop app (its
 * berth://app/ page) and in browser mode. Parsing takes anything (a link typed by hand, a
 * hostile page's URL): what it cannot read is the containers list, never an error.
 */
export const VIEWS = ['containers', 'images', 'volumes', 'networks', 'swarm', 'resources', 'jobs', 'disk', 'terminal', 'vm', 'settings'] as const;
export type View = (typeof VIEWS)[number];
export const CONTAINER_TABS = ['logs', 'terminal', 'files', 'stats', 'health', 'inspect'] as const;
export type ContainerTab = (typeof CONTAINER_TABS)[number];

/** The views whose items have a page of their own. */
export const DETAIL_VIEWS = ['containers', 'images', 'volumes', 'networks'] as const;
export type DetailView = (typeof DETAIL_VIEWS)[number];

export interface Place {
  view: View;
  /** The item of the view whose page is open: a container, image, volume or network, by id or name. */
  detail?: string;
  /** Its tab (none: the first, logs). */
  tab?: ContainerTab;
  /** The compose project whose merged logs are open. */
  projectLogs?: string;
}

const isView = (s: string): s is View => (VIEWS as readonly string[]).includes(s);
const isTab = (s: string): s is ContainerTab => (CONTAINER_TABS as readonly string[]).includes(s);
const isDetailView = (v: View): v is DetailView => (DETAIL_VIEWS as readonly string[]).includes(v);
/** A container id or name, a project name: what Docker allows, nothing that could be markup or a path. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
/** An image id or reference (registry:5000/team/app:1.2, sha256:...), escaped as one part of the hash. */
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,511}$/;

/** The longest hash read at all: an image reference is at most 512, and a longer one is a typo or an attack. */
const MAX_HASH = 2048;

/** `s` without its trailing slashes (a loop: a regex like /\/+$/ is quadratic on a long run of slashes). */
function trimSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === '/') end--;
  return s.slice(0, end);
}

function decode(part: string | undefined, pattern = NAME): string | undefined {
  if (part === undefined) return undefined;
  try {
    const s = decodeURIComponent(part);
    // Never a path walk: no empty, "." or ".." part.
    return pattern.test(s) && s.split('/').every((p) => p !== '' && p !== '.' && p !== '..') ? s : undefined;
  } catch {
    return undefined; // a malformed escape (%E0%A4%A)
  }
}

export function formatRoute(p: Place): string {
  if (p.projectLogs) return `#/compose/${encodeURIComponent(p.projectLogs)}/logs`;
  if (p.view === 'containers' && p.detail) return `#/containers/${encodeURIComponent(p.detail)}${p.tab && p.tab !== 'logs' ? `/${p.tab}` : ''}`;
  if (isDetailView(p.view) && p.detail) return `#/${p.view}/${encodeURIComponent(p.detail)}`;
  return `#/${p.view}`;
}

export function parseRoute(hash: string): Place {
  if (hash.length > MAX_HASH) return { view: 'containers' };
  const parts = hash.replace(/^#\/?/, '').split('/', 4);
  const [head = '', second, third] = parts;
  if (head === 'compose') {
    const project = decode(second);
    return project && (third === undefined || third === 'logs') ? { view: 'containers', projectLogs: project } : { view: 'containers' };
  }
  if (!isView(head)) return { view: 'containers' };
  if (!isDetailView(head) || second === undefined || second === '') return { view: head };
  // An image reference may be typed with its slashes as they are (#/images/registry:5000/team/app:1).
  const detail = head === 'images' ? decode(trimSlashes(hash.replace(/^#\/?images\//, '')), IMAGE) : decode(second);
  if (!detail) return { view: head };
  if (head === 'images') return { view: head, detail };
  if (head !== 'containers') return third === undefined ? { view: head, detail } : { view: head }; // no tabs: #/volumes/a/b is not "a"
  return third && isTab(third) && third !== 'logs' ? { view: 'containers', detail, tab: third } : { view: 'containers', detail };
}

/** A `berth://` link (berth://containers/web/logs, berth:///volumes) as the hash of that place; undefined if it is not one. */
export function hashOfLink(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'berth:') return undefined;
  // berth://containers/web is host "containers", path "/web"; berth:///containers/web has them all in the path.
  const path = `${url.host}${url.pathname}`.replace(/^\/+/, '');
  return formatRoute(parseRoute(`#/${path}`));
}

/** What `berth open` and the shell take: a `berth://` link or a `#/...` hash, as the hash of its place; undefined for anything else. */
export function hashOfPlace(arg: string): string | undefined {
  return arg.startsWith('#/') ? formatRoute(parseRoute(arg)) : hashOfLink(arg);
}

/** A hash as read, escapes undone (`web%2Dx` names `web-x`); a malformed escape stays as typed. */
function unescape(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** As hashOfPlace, but only when the place is read in full (for `berth open`, which refuses a typo instead of opening the list). */
export function exactHashOf(arg: string): string | undefined {
  const hash = hashOfPlace(arg);
  if (!hash) return undefined;
  const asked = arg.startsWith('#/') ? arg.slice(2) : arg.replace(/^berth:\/*/, '');
  const want = unescape(trimSlashes(asked));
  const got = unescape(hash.slice(2));
  return got === want || `${got}/logs` === want || (want === '' && got === 'containers') ? hash : undefined;
}
