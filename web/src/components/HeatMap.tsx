// A year of days as a GitHub-style calendar: weeks are columns, Monday on top. One tab stop;
// arrow keys move between days and the readout below says the day and its minutes. Only a
// day chosen by keyboard or click is read out; the mouse passing over days changes what is
// shown, not what a screen reader says.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { HEAT_LEVELS, formatMinutes, heatMapLayout, type ActivityDay } from '../lib/activity';
import { formatDay } from '../lib/dates';

const CELL = 11;
const GAP = 3;
const STEP = CELL + GAP;
const LEFT = 30;
const TOP = 18;
const ROW_LABELS: [number, string][] = [
  [0, 'Mon'],
  [2, 'Wed'],
  [4, 'Fri'],
];

function describe(date: string, minutes: number): string {
  return `${formatDay(date)}: ${minutes === 0 ? 'no immersion' : formatMinutes(minutes)}`;
}

export function HeatMap({ days }: { days: ActivityDay[] }) {
  const layout = useMemo(() => heatMapLayout(days), [days]);
  const [selected, setSelected] = useState(Math.max(0, layout.cells.length - 1));
  const [hover, setHover] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    setSelected(Math.max(0, layout.cells.length - 1));
    setHover(null);
    // Show the latest weeks first where the year does not fit.
    if (scroller.current) scroller.current.scrollLeft = scroller.current.scrollWidth;
  }, [layout]);

  const width = LEFT + layout.weeks * STEP;
  const height = TOP + 7 * STEP;
  const cell = layout.cells[selected];
  const shownIndex = hover ?? selected;
  const shown = layout.cells[shownIndex];

  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowLeft: -7, ArrowRight: 7, ArrowUp: -1, ArrowDown: 1, Home: -Infinity, End: Infinity };
    const move = moves[e.key];
    if (move === undefined) return;
    e.preventDefault();
    setHover(null);
    const last = layout.cells.length - 1;
    setSelected((s) => (move === -Infinity ? 0 : move === Infinity ? last : Math.min(last, Math.max(0, s + move))));
  };

  return (
    <div class="heatmap">
      <div class="heatmap-scroll" ref={scroller}>
        <svg
          viewBox={`0 0 ${width} ${height}`}
          style={{ maxWidth: `${Math.round(width * 1.45)}px` }}
          role="group"
          aria-label="Minutes per day over the last year; arrow keys move between days"
          aria-activedescendant={cell ? `heat-${cell.date}` : undefined}
          // Lower case: on SVG elements Preact sets attributes by their JSX name.
          tabindex={0}
          onKeyDown={onKeyDown}
          onMouseLeave={() => setHover(null)}
          class="heatmap-svg"
        >
          {layout.months.map((m) => (
            <text key={`${m.week}-${m.label}`} x={LEFT + m.week * STEP} y={11} class="heat-label" aria-hidden="true">
              {m.label}
            </text>
          ))}
          {ROW_LABELS.map(([row, label]) => (
            <text key={label} x={0} y={TOP + row * STEP + CELL - 1} class="heat-label" aria-hidden="true">
              {label}
            </text>
          ))}
          {layout.cells.map((c, i) => (
            <rect
              key={c.date}
              id={`heat-${c.date}`}
              role="img"
              aria-label={describe(c.date, c.minutes)}
              data-date={c.date}
              data-minutes={c.minutes}
              x={LEFT + c.week * STEP}
              y={TOP + c.weekday * STEP}
              width={CELL}
              height={CELL}
              rx={2.5}
              class={`heat heat-${c.level}${i === shownIndex ? ' heat-selected' : ''}`}
              onMouseEnter={() => setHover(i)}
              onClick={() => {
                setSelected(i);
                setHover(null);
              }}
            >
              <title>{describe(c.date, c.minutes)}</title>
            </rect>
          ))}
        </svg>
      </div>
      <div class="heatmap-foot">
        <p class="heatmap-readout num" aria-hidden="true">
          {shown ? describe(shown.date, shown.minutes) : ''}
        </p>
        <p class="sr-only" aria-live="polite">
          {cell ? describe(cell.date, cell.minutes) : ''}
        </p>
        <div class="heat-legend" aria-label={`Levels: none, from ${HEAT_LEVELS.map((m) => formatMinutes(m)).join(', ')}`} role="img">
          <span aria-hidden="true">Less</span>
          {[0, 1, 2, 3, 4].map((l) => (
            <span key={l} class={`heat-swatch heat-${l}`} title={l === 0 ? 'No immersion' : `${formatMinutes(HEAT_LEVELS[l - 1]!)} or more`} />
          ))}
          <span aria-hidden="true">More</span>
        </div>
      </div>
    </div>
  );
}
