// Loads the charts module (uPlot and its CSS) on first use, showing a skeleton meanwhile.
import type { ComponentProps } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Skeleton } from './Feedback';

type Charts = typeof import('./charts');
let loaded: Charts | null = null;
let loading: Promise<Charts> | null = null;

function loadCharts(): Promise<Charts> {
  loading ??= import('./charts').then((m) => (loaded = m));
  return loading;
}

function useCharts(): Charts | null | 'failed' {
  const [mod, setMod] = useState<Charts | null>(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!mod) {
      loadCharts().then(setMod, () => {
        loading = null;
        setFailed(true);
      });
    }
  }, [mod]);
  return failed ? 'failed' : mod;
}

export function LazyActivityChart(props: ComponentProps<Charts['ActivityChart']>) {
  const m = useCharts();
  if (m === 'failed') return <ChartFailed />;
  if (!m) return <Skeleton height={props.height ?? 240} class="chart-skeleton" />;
  return <m.ActivityChart {...props} />;
}

export function LazyCumulativeChart(props: ComponentProps<Charts['CumulativeChart']>) {
  const m = useCharts();
  if (m === 'failed') return <ChartFailed />;
  if (!m) return <Skeleton height={props.height ?? 220} class="chart-skeleton" />;
  return <m.CumulativeChart {...props} />;
}

function ChartFailed() {
  return <p class="notice notice-error">The chart could not be loaded. Reload the page to try again.</p>;
}

/** Starts fetching the charts while the page's data loads. */
export const preloadCharts = () => void loadCharts().catch(() => {});
