/** A horizontal bar filled to `fraction` (0..1), with its words beside it. */
export function UsageBar({ fraction, label, title }: { fraction: number; label: string; title?: string }) {
  const level = fraction >= 0.9 ? ' bad' : fraction >= 0.7 ? ' warn' : '';
  return (
    <span className="usage-bar" title={title}>
      <span className="usage-track" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} aria-label={title ?? label}>
        <span className={`usage-fill${level}`} style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </span>
      <span className="usage-words mono">{label}</span>
    </span>
  );
}
