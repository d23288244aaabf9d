import type { HistoryLayer } from '../../../electron/shared/models';
import { formatBytes, relativeTime } from '../../lib/format';

/** An image's layers, newest first: the instruction that made each, its size and age. */
export function LayersTable({ layers }: { layers: HistoryLayer[] }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Layers of the image">
      <table aria-label="Layers">
        <thead>
          <tr>
            <th>Instruction</th>
            <th className="num">Size</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {layers.map((l, i) => (
            <tr key={i}>
              <td className="mono instruction">{l.createdBy || <span className="muted">(none)</span>}</td>
              <td className="num">{formatBytes(l.size)}</td>
              <td className="nowrap">{relativeTime(l.created)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
