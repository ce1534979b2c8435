/**
 * The funnel's charts, drawn with uPlot (a small, well-kept canvas chart library loaded only by
 * the dashboard's funnel view): the funnel over time (shares, clicks, orders per day, commission on
 * its own axis) and by channel (clicks and orders per channel, as bars). Charts are pictures for
 * sighted users: the view always shows the same numbers in tables.
 */
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css';
import { css, unsafeCSS } from 'lit';

/** uPlot's own stylesheet, for the view's shadow root. */
export const chartStyles = [
  unsafeCSS(uPlotCss),
  css`
    .chart {
      width: 100%;
      min-height: 16rem;
    }
    .u-legend {
      font-size: 0.85rem;
    }
  `,
];

const COLORS = { shares: '#7c3aed', clicks: '#2563eb', orders: '#c2410c', commission: '#15803d' };

export interface SeriesLabels {
  shares: string;
  clicks: string;
  orders: string;
  commission: string;
}

function width(el: HTMLElement): number {
  return Math.max(280, Math.floor(el.getBoundingClientRect().width || el.clientWidth || 600));
}

/** Draws (or redraws) the funnel over time into `el`; `x` are day starts in seconds. */
export function drawFunnel(
  el: HTMLElement,
  data: { x: number[]; shares: number[]; clicks: number[]; orders: number[]; commission: number[] },
  labels: SeriesLabels,
  formatMoney: (major: number) => string,
): uPlot {
  el.replaceChildren();
  return new uPlot(
    {
      width: width(el),
      height: 260,
      scales: { x: { time: true }, money: {} },
      series: [
        {},
        { label: labels.shares, stroke: COLORS.shares, width: 2 },
        { label: labels.clicks, stroke: COLORS.clicks, width: 2 },
        { label: labels.orders, stroke: COLORS.orders, width: 2 },
        {
          label: labels.commission,
          stroke: COLORS.commission,
          width: 2,
          dash: [6, 4],
          scale: 'money',
          value: (_u, v) => (v == null ? '' : formatMoney(v)),
        },
      ],
      axes: [{}, {}, { scale: 'money', side: 1, grid: { show: false }, values: (_u, vals) => vals.map((v) => formatMoney(v)) }],
    },
    [data.x, data.shares, data.clicks, data.orders, data.commission],
    el,
  );
}

/** Draws clicks and orders per channel as grouped bars into `el`. */
export function drawChannels(el: HTMLElement, names: string[], clicks: number[], orders: number[], labels: SeriesLabels): uPlot {
  el.replaceChildren();
  const bars = uPlot.paths.bars!;
  const x = names.map((_, i) => i);
  return new uPlot(
    {
      width: width(el),
      height: 240,
      scales: { x: { time: false, range: [-0.5, names.length - 0.5] } },
      series: [
        { value: (_u, v) => names[v] ?? '' },
        {
          label: labels.clicks,
          fill: COLORS.clicks,
          stroke: COLORS.clicks,
          paths: bars({ size: [0.35, 48], align: -1 }),
          points: { show: false },
        },
        {
          label: labels.orders,
          fill: COLORS.orders,
          stroke: COLORS.orders,
          paths: bars({ size: [0.35, 48], align: 1 }),
          points: { show: false },
        },
      ],
      axes: [{ splits: () => x, values: (_u, vals) => vals.map((v) => names[v] ?? '') }, {}],
    },
    [x, clicks, orders],
    el,
  );
}
