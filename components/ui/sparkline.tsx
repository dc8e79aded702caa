/**
 * A word-sized line chart of a series, oldest value first. The label says what the
 * line shows, since the line alone says nothing to a screen reader.
 */
export function Sparkline({
  values,
  label,
  width = 80,
  height = 20,
}: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}) {
  if (values.length === 0) return null;
  const peak = Math.max(...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  // One pixel of margin so that the stroke is not clipped at the top and bottom.
  const y = (v: number) => (peak > 0 ? height - 1 - ((height - 2) * v) / peak : height - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(2)},${y(v).toFixed(2)}`).join(" ");
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="block overflow-visible text-brand"
    >
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="stroke-slate-200" strokeWidth={1} />
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.25} strokeLinejoin="round" />
    </svg>
  );
}
