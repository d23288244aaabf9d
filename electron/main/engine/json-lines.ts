/** Newline-delimited JSON read tolerantly (the VM's control socket, QMP, the guest's engine events). */
import { LineSplitter, MAX_JSON_LINE } from './log-stream';

/** Splits a byte stream into JSON messages, one per line; a line that is not JSON (or over MAX_JSON_LINE) is dropped. */
export function jsonLines(onMessage: (m: unknown) => void): (chunk: Buffer) => void {
  const lines = new LineSplitter(MAX_JSON_LINE);
  return (chunk) => {
    for (const line of lines.push(chunk)) {
      if (!line.trim()) continue;
      try {
        onMessage(JSON.parse(line));
      } catch {
        /* not ours */
      }
    }
  };
}
