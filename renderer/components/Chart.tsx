/**
 * A time chart (uPlot): time and value axes in Berth's units, a legend with the values under the
 * cursor. Made once per mount; new points only update its data. Colours come from the theme.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatUnit, tickSteps, type ChartUnit } from '../lib/chart-units';

export interface ChartSeries {
  label: string;
  values: number[];
}

interface Props {
  label: string;
  times: number[]; // unix ms, one per value
  series: ChartSeries[];
  unit: ChartUnit;
  /** The value axis reaches at least this far (a limit, 100 %). */
  max?: number;
}

const COLOURS = ['--accent', '--ok', '--warn'];
const HEIGHT = 140;

export function Chart({ label, times, series, unit, max }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const data = (): uPlot.AlignedData => [times.map((t) => t / 1000), ...series.map((s) => s.values)];
  const latest = useRef({ data, max });
  latest.current = { data, max };

  useEffect(() => {
    const el = box.current!;
    const css = getComputedStyle(el);
    const colour = (v: string) => css.getPropertyValue(v).trim() || '#888';
    const axis: uPlot.Axis = { stroke: colour('--muted'), grid: { stroke: colour('--border'), width: 1 }, ticks: { stroke: colour('--border'), width: 1 } };
    const u = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
        // From 0, to the limit or a little above the highest value (a line at the very top is hard to read).
        scales: { x: { time: true }, y: { range: (_u, _min, dataMax) => [0, Math.max(latest.current.max ?? 0, (dataMax || 0) * 1.15, unit === 'percent' ? 1 : 1024)] } },
        axes: [
          axis, // uPlot's own time ticks: hh:mm:ss steps that fit
          { ...axis, size: 76, incrs: tickSteps(unit), values: (_u, splits) => splits.map((s) => formatUnit(unit, s)) },
        ],
        series: [
          { label: 'Time', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
          ...series.map((s, i) => ({ label: s.label, stroke: colour(COLOURS[i % COLOURS.length]!), width: 1.5, points: { show: false }, value: (_u: uPlot, v: number | null) => formatUnit(unit, v) })),
        ],
      },
      latest.current.data(),
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = undefined;
    };
    // Made once: the series' number and unit are fixed per chart (a key change makes a new one).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    plot.current?.setData(data());
  });

  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
