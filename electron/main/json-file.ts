/** A small JSON file Berth keeps (a record, a stamp, the docker CLI's config): its content, or undefined when it is missing or not JSON. */
import { readFileSync } from 'node:fs';

export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
