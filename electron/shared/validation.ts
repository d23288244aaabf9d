import type { z } from 'zod';

/** One readable sentence from a schema failure: "name: must start with a letter...; subnet: ...". */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`).join('; ');
}
