/**
 * Docker image references (distribution/reference grammar): [domain[:port]/]path[:tag][@digest].
 * `checkReference` says in words what is wrong, so a typo gets a clear message before any pull,
 * and so nothing outside the grammar ever reaches the engine's URL paths (`a//b` there is answered
 * with a redirect, `?` or `#` would change the request).
 */
import { BerthError } from './errors';

/** Docker Hub under every name it goes by is one server; others are host[:port]. */
export function normaliseServer(server: string): string {
  const s = server
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  return ['docker.io', 'index.docker.io', 'registry-1.docker.io', ''].includes(s) ? 'docker.io' : s;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** An image id as the engine prints it: `sha256:` and hex digits, or a prefix of the hex. */
const IMAGE_ID = /^sha256:[a-f0-9]{1,64}$/;
/** distribution/reference's NameTotalLengthMax: the repository (domain and path), without tag or digest. */
export const NAME_MAX = 255;

export interface ImageReference {
  domain?: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** The parsed reference, or the reason it is not one. */
export function checkReference(ref: string): ImageReference | string {
  if (!ref) return 'An image reference is required.';
  if (ref.length > 512) return 'The image reference is too long (more than 512 characters).';
  if (/\s/.test(ref)) return 'An image reference has no spaces.';
  if (/[\x00-\x1f\x7f]/.test(ref)) return 'An image reference has no control characters.';
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `"${digest}" is not a digest (sha256: and 64 hex digits).`;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return `"${tag}" is not a valid tag (letters, digits, "_", "." and "-", up to 128).`;
  }
  if (!rest) return 'The image name is missing.';
  const parts = rest.split('/');
  let domain: string | undefined;
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost' || parts[0] !== parts[0]!.toLowerCase())) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) return `"${domain}" is not a valid registry address.`;
  }
  for (const p of parts) {
    if (!p) return 'The image name has an empty part ("//" or a "/" at an end).';
    if (p !== p.toLowerCase()) return `Image names must be lowercase: "${p}".`;
    if (!COMPONENT.test(p)) return `"${p}" is not a valid name part (lowercase letters and digits, separated by ".", "_", "__" or "-").`;
  }
  const path = parts.join('/');
  if (!path) return 'The image name is missing.';
  const name = domain ? `${domain}/${path}` : path;
  if (name.length > NAME_MAX) return `The image name is longer than ${NAME_MAX} characters (${name.length}).`;
  return { ...(domain ? { domain } : {}), path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** An image id (sha256:...) or a reference: undefined when it is one, else the reason it is neither. */
export function checkImageRef(s: string): string | undefined {
  if (IMAGE_ID.test(s)) return undefined;
  const r = checkReference(s);
  return typeof r === 'string' ? r : undefined;
}

/** The parsed reference; a reference Docker would refuse is an INVALID_ARGUMENT with the reason. */
export function parseReference(ref: string): ImageReference {
  const r = checkReference(ref);
  if (typeof r === 'string') throw new BerthError('INVALID_ARGUMENT', r);
  return r;
}

/** The repository part (domain and path) of a reference, as the engine names it. */
export function repository(r: ImageReference): string {
  return r.domain ? `${r.domain}/${r.path}` : r.path;
}
