/** A running container's live use, a minute of it: CPU, memory, network and block I/O charts. */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Chart, type ChartSeries } from '../../components/Chart';
import type { ChartUnit } from '../../lib/chart-units';
import { formatBytes } from '../../lib/format';
import { formatPercent } from '../../lib/usage';
import { unwatchStats, useStats, watchStats } from '../../stores/stats';

const rate = (n: number) => `${formatBytes(n)}/s`;

export function StatsTab({ id, running }: { id: string; running: boolean }) {
  const { points, error, ended } = useStats(useShallow((s) => ({ points: s.points, error: s.error, ended: s.ended })));
  useEffect(() => {
    if (!running) return;
    watchStats(id);
    return unwatchStats; // hidden tab: no stream
  }, [id, running]);
  if (!running) return <p className="muted">Start the container to see its resource use.</p>;
  if (error) return <p className="list-error">Stats unavailable: {error}</p>;
  const last = points.at(-1);
  if (!last) return <p className="muted">{ended ? 'The container stopped.' : 'Waiting for the first reading…'}</p>;
  const times = points.map((p) => p.time);
  const cards: { title: string; value: string; unit: ChartUnit; series: ChartSeries[]; max?: number }[] = [
    { title: 'CPU', value: formatPercent(last.cpuPercent), unit: 'percent', series: [{ label: 'CPU', values: points.map((p) => p.cpuPercent) }], max: 100 },
    { title: 'Memory', value: `${formatBytes(last.memUsage)} / ${formatBytes(last.memLimit)}`, unit: 'bytes', series: [{ label: 'Used', values: points.map((p) => p.memUsage) }] },
    {
      title: 'Network',
      value: `↓ ${rate(last.netRxRate)}  ↑ ${rate(last.netTxRate)}`,
      unit: 'bytes/s',
      series: [
        { label: 'Received', values: points.map((p) => p.netRxRate) },
        { label: 'Sent', values: points.map((p) => p.netTxRate) },
      ],
    },
    {
      title: 'Block I/O',
      value: `R ${rate(last.blkReadRate)}  W ${rate(last.blkWriteRate)}`,
      unit: 'bytes/s',
      series: [
        { label: 'Read', values: points.map((p) => p.blkReadRate) },
        { label: 'Written', values: points.map((p) => p.blkWriteRate) },
      ],
    },
  ];
  return (
    <div className="stats-grid">
      {cards.map((c) => (
        <div className="stat-card" key={c.title} aria-label={c.title}>
          <div className="stat-head">
            <span className="muted">{c.title}</span>
            <strong className="stat-value">{c.value}</strong>
          </div>
          <Chart label={`${c.title} over the last minute`} times={times} series={c.series} unit={c.unit} max={c.max} />
        </div>
      ))}
      <p className="muted small">
        {last.pids} process{last.pids === 1 ? '' : 'es'} · one reading a second, last minute shown · hover a chart for its values
      </p>
    </div>
  );
}
