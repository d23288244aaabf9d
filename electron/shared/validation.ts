/**
 * Checks both sides share: schema failures as one sentence, and the values whose grammar is not a
 * regex's job (image references, IP addresses), each saying in words what is wrong.
 */
import { z } from 'zod';
import { checkImageRef, checkReference } from './image-ref';

/** One readable sentence from a schema failure: "name: must start with a letter...; subnet: ...". */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`).join('; ');
}

/** A string schema from a function that returns what is wrong with a value (undefined: nothing). */
function checked(problem: (s: string) => string | undefined) {
  return z.string().superRefine((s, ctx) => {
    const why = problem(s);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });
}

/** A reference to pull, push, tag as or run, by Docker's grammar. */
export const imageReference = checked((s) => {
  const r = checkReference(s);
  return typeof r === 'string' ? r : undefined;
});

/** An image id (sha256:...) or a reference, by Docker's grammar. */
export const imageIdOrReference = checked(checkImageRef);

const IPV6 = z.ipv6();

/**
 * What is wrong with `s` as an IP address (undefined: it is one), by the rules of node:net's isIP
 * and Go's net.ParseIP (which the engine uses): four decimal octets 0-255 for IPv4, without
 * leading zeros (`01.2.3.4` is octal to some parsers and decimal to others, so it is refused);
 * RFC 4291 text for IPv6 (`::1`, `fe80::1`, `::ffff:127.0.0.1`), without brackets or a zone.
 */
export function ipProblem(s: string): string | undefined {
  if (s.includes(':')) {
    if (s.startsWith('[')) return `"${s}" must be written without brackets (::1, not [::1]).`;
    if (s.includes('%')) return `"${s}" has a zone (%...), which the engine does not take here.`;
    return IPV6.safeParse(s).success ? undefined : `"${s}" is not an IPv6 address (such as ::1).`;
  }
  const parts = s.split('.');
  if (parts.length !== 4) return `"${s}" is not an IPv4 address: it has ${parts.length} part${parts.length === 1 ? '' : 's'}, not 4 (such as 127.0.0.1).`;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return `"${s}" is not an IPv4 address: "${p}" is not a number from 0 to 255.`;
    if (Number(p) > 255) return `"${s}" is not an IPv4 address: ${p} is above 255.`;
    if (p.length > 1 && p.startsWith('0')) return `"${s}" is not an IPv4 address: "${p}" has a leading zero (octal to some tools, decimal to others).`;
  }
  return undefined;
}

/** An IPv4 or IPv6 address (see ipProblem). */
export const ipAddress = checked(ipProblem);
