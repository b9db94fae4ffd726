// The uPlot charts. Loaded on demand (see Chart.tsx), so the first page load stays small.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type StackedSeries } from '../lib/activity';
import { mediumColor } from '../lib/mediums';
import { formatShortDay, shortMonth } from '../lib/dates';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Creates the chart once per `key`, and keeps it as wide as its container. */
function useUplot(make: (width: number) => uPlot.Options, data: uPlot.AlignedData, key: unknown[]) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(make(el.clientWidth || 300), data, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && w !== u.width) u.setSize({ width: w, height: u.height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, key);
  return box;
}

function axisColors() {
  return {
    stroke: cssVar('--text-muted') || '#666',
    grid: cssVar('--grid') || 'rgba(0,0,0,.08)',
    font: `12px ${cssVar('--font') || 'system-ui, sans-serif'}`,
  };
}

/** Which day indexes get an x label: few enough to read at any width. */
function daySplits(dates: string[], width: number): number[] {
  const n = dates.length;
  const room = Math.max(2, Math.floor(width / 70));
  if (n > 120) {
    const starts = dates.flatMap((d, i) => (d.endsWith('-01') ? [i] : []));
    const step = Math.ceil(starts.length / room);
    return starts.filter((_, i) => i % step === 0);
  }
  const step = Math.max(1, Math.ceil(n / room));
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i -= step) out.unshift(i);
  return out;
}

function minutesTick(v: number): string {
  if (v === 0) return '0';
  return v >= 60 && v % 60 === 0 ? `${v / 60} h` : v >= 60 ? `${(v / 60).toFixed(1)} h` : `${v} m`;
}

export function ActivityChart({
  series,
  dark,
  onHover,
  height = 240,
}: {
  series: StackedSeries;
  dark: boolean;
  onHover: (index: number | null) => void;
  height?: number;
}) {
  const hover = useRef(onHover);
  hover.current = onHover;
  const n = series.dates.length;
  const x = series.dates.map((_, i) => i);
  // Drawn from the tallest stack down, so each lower medium paints over the one above it.
  const order = series.kinds.map((k, i) => ({ ...k, i })).reverse();
  const data: uPlot.AlignedData = [x, ...order.map((k) => series.stacked[k.i]!)];
  const max = Math.max(0, ...(series.stacked[series.kinds.length - 1] ?? []));

  const box = useUplot(
    (width) => {
      const c = axisColors();
      const bars = uPlot.paths.bars!({ size: [n > 120 ? 0.9 : 0.7, 36], gap: n > 120 ? 0 : 1 });
      return {
        width,
        height,
        legend: { show: false },
        padding: [12, 16, 0, 0],
        cursor: {
          points: { show: false },
          drag: { x: false, y: false, setScale: false },
          y: false,
        },
        scales: {
          x: { time: false, range: () => [-0.6, n - 0.4] },
          y: { range: () => [0, Math.max(30, Math.ceil((max * 1.1) / 15) * 15)] },
        },
        axes: [
          {
            stroke: c.stroke,
            font: c.font,
            grid: { show: false },
            ticks: { show: false },
            splits: (u) => daySplits(series.dates, u.width),
            values: (_u, splits) =>
              splits.map((i) => {
                const d = series.dates[i];
                if (!d) return '';
                return n > 120 ? shortMonth(d) : formatShortDay(d);
              }),
          },
          {
            stroke: c.stroke,
            font: c.font,
            size: 44,
            grid: { stroke: c.grid, width: 1 },
            ticks: { show: false },
            incrs: [5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 600, 720, 960, 1440],
            values: (_u, splits) => splits.map(minutesTick),
          },
        ],
        series: [
          {},
          ...order.map((k) => {
            const color = cssVar(`--kind-${mediumColor(k.kind)}`);
            return { label: k.label, stroke: color, fill: color, width: 0, paths: bars, points: { show: false } };
          }),
        ],
        hooks: {
          setCursor: [(u) => hover.current(u.cursor.idx ?? null)],
        },
      };
    },
    data,
    [series, dark, height],
  );
  return <div ref={box} class="uplot-box" style={{ minHeight: height }} aria-hidden="true" />;
}

export function CumulativeChart({
  labels,
  hours,
  dark,
  height = 220,
  onHover,
}: {
  labels: string[];
  hours: number[];
  dark: boolean;
  height?: number;
  onHover: (index: number | null) => void;
}) {
  const hover = useRef(onHover);
  hover.current = onHover;
  const n = labels.length;
  const data: uPlot.AlignedData = [labels.map((_, i) => i), hours];
  const max = Math.max(1, ...hours);
  const box = useUplot(
    (width) => {
      const c = axisColors();
      const accent = cssVar('--accent') || '#4f46e5';
      const room = Math.max(2, Math.floor(width / 80));
      const step = Math.max(1, Math.ceil(n / room));
      return {
        width,
        height,
        legend: { show: false },
        padding: [12, 30, 0, 0],
        cursor: {
          drag: { x: false, y: false, setScale: false },
          y: false,
          points: { size: 8, fill: accent },
        },
        scales: {
          x: { time: false, range: () => (n === 1 ? [-1, 1] : [0, n - 1]) },
          y: { range: () => [0, Math.ceil(max * 1.1) || 1] },
        },
        axes: [
          {
            stroke: c.stroke,
            font: c.font,
            grid: { show: false },
            ticks: { show: false },
            splits: () => {
              const out: number[] = [];
              for (let i = n - 1; i >= 0; i -= step) out.unshift(i);
              return out;
            },
            values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
          },
          {
            stroke: c.stroke,
            font: c.font,
            size: 48,
            grid: { stroke: c.grid, width: 1 },
            ticks: { show: false },
            values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? `${v} h` : '')),
          },
        ],
        series: [
          {},
          {
            label: 'Hours',
            stroke: accent,
            width: 2.5,
            fill: (u: uPlot) => {
              const g = u.ctx.createLinearGradient(0, u.bbox.top, 0, u.bbox.top + u.bbox.height);
              g.addColorStop(0, cssVar('--accent-fill-strong') || 'rgba(79,70,229,.3)');
              g.addColorStop(1, cssVar('--accent-fill-weak') || 'rgba(79,70,229,0)');
              return g;
            },
            points: { show: n <= 40, size: 6, fill: accent, stroke: accent },
            paths: n > 2 && !reducedMotion() ? uPlot.paths.spline!() : uPlot.paths.linear!(),
          },
        ],
        hooks: {
          setCursor: [(u) => hover.current(u.cursor.idx ?? null)],
        },
      };
    },
    data,
    [labels, hours, dark, height],
  );
  return <div ref={box} class="uplot-box" style={{ minHeight: height }} aria-hidden="true" />;
}
