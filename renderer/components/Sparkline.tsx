/** A small line chart of the latest values (SVG, no dependencies). Two series share the scale. */
export function Sparkline({ series, max, label }: { series: number[][]; max?: number; label: string }) {
  const W = 240;
  const H = 56;
  const top = Math.max(max ?? 0, ...series.flat(), 1e-9);
  const n = Math.max(...series.map((s) => s.length), 2);
  const path = (s: number[]) => s.map((v, i) => `${((i + n - s.length) / (n - 1)) * W},${H - (v / top) * (H - 2) - 1}`).join(' ');
  return (
    <svg className="sparkline" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label}>
      {series.map((s, i) => (
        <polyline key={i} points={path(s)} className={`series-${i}`} fill="none" vectorEffect="non-scaling-stroke" />
      ))}
    </svg>
  );
}
