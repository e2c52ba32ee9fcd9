// <tiercart-chart>: one chart and the table of its numbers. The canvas is drawn by Chart.js
// (only the parts used here are registered, so esbuild leaves the rest out) and is an image to
// assistive technology (role="img", a summary as its label); the same numbers are a real
// <table> in a disclosure right under it. Thresholds are drawn as labelled vertical lines by a
// small plugin of our own (thresholdLines).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { h } from '../tiercart-util.js';

// A threshold as a line across the plot at `value` on the x axis (a linear one: money), its
// label above the plot, in the first of LABEL_ROWS rows where it overlaps no other label (the
// last row when none is free), and inside the canvas.
const LABEL_ROW = 14;
const LABEL_ROWS = 3;
const thresholdLines = {
  id: 'tiercartThresholds',
  afterDatasetsDraw(chart, args, options) {
    const lines = options?.lines || [];
    const x = chart.scales.x;
    if (!lines.length || !x) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.font = `600 11px ${Chart.defaults.font.family}`;
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left';
    const ends = new Array(LABEL_ROWS).fill(-Infinity); // where each row's last label ends
    for (const line of [...lines].sort((a, b) => a.value - b.value)) {
      const px = Math.min(chartArea.right, Math.max(chartArea.left, x.getPixelForValue(line.value)));
      const width = ctx.measureText(line.label).width;
      const left = Math.min(chart.width - width - 2, Math.max(2, px - width / 2));
      let row = ends.findIndex((end) => end + 6 <= left);
      if (row < 0) row = ends.indexOf(Math.min(...ends));
      ends[row] = left + width;
      const top = chartArea.top - row * LABEL_ROW;
      ctx.strokeStyle = ctx.fillStyle = line.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(line.dash || []);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.fillText(line.label, left, top - 2);
    }
    ctx.restore();
  },
};

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  thresholdLines,
);

// Colours with at least 3:1 against the white card; series also differ by dash and point.
// `line` is the CSS border style the HTML legend draws each with.
export const SERIES = [
  { color: '#2c6ecb', dash: [], point: 'circle', line: 'solid' },
  { color: '#b54708', dash: [6, 3], point: 'rectRot', line: 'dashed' },
  { color: '#1a7f4b', dash: [2, 2], point: 'triangle', line: 'dotted' },
  { color: '#7f3fbf', dash: [8, 3, 2, 3], point: 'rect', line: 'dashed' },
  { color: '#b01f6a', dash: [4, 4], point: 'star', line: 'dotted' },
];

// A legend entry in HTML (Chart.js's own legend is left out of the bundle): a short line in
// the series' colour and dash, then its name.
export const legendEntry = (label, color, line = 'solid') =>
  h('span', { class: 'legend', style: `--legend-color: ${color}; --legend-line: ${line}` }, label);

export class TiercartChart extends HTMLElement {
  chart = null;

  disconnectedCallback() {
    this.chart?.destroy();
    this.chart = null;
  }

  // `spec`: {type: 'bar'|'line', summary, labels, datasets: [{label, data, ...}], x: a money
  // axis {min, max, step, tick(value), title} (else categories), yTitle, yTick(value), yMax,
  // tooltipTitle(index), tooltipLabel(datasetIndex, index), thresholds: [{value, label,
  // color, dash}], legend (legendEntry()s), table: {caption, head: [..], rows: [[..]]}, showData}.
  render(spec) {
    this.chart?.destroy();
    const canvas = h('canvas', { role: 'img', 'aria-label': spec.summary });
    const captionId = `${this.id || 'chart'}-caption`;
    const table = h(
      'div',
      { class: 'table-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: '0' },
      h(
        'table',
        { class: 'data-table' },
        h('caption', { id: captionId }, spec.table.caption),
        h('thead', {}, h('tr', {}, ...spec.table.head.map((cell) => h('th', { scope: 'col' }, cell)))),
        h(
          'tbody',
          {},
          ...spec.table.rows.map((row) =>
            h('tr', {}, ...row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))),
          ),
        ),
      ),
    );
    // replaceChildren writes a null as the text "null": what is not shown is left out first.
    const parts = [
      h('div', { class: 'chart__canvas' }, canvas),
      spec.legend ? h('p', { class: 'chart__legend help' }, ...spec.legend) : null,
      h('details', { class: 'chart__data' }, h('summary', {}, spec.showData), table),
    ];
    this.replaceChildren(...parts.filter(Boolean));
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const style = getComputedStyle(this);
    Chart.defaults.font.family = style.fontFamily;
    Chart.defaults.color = '#616161';
    this.chart = new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduced ? false : { duration: 300 },
        layout: {
          padding: { top: spec.thresholds?.length ? Math.min(LABEL_ROWS, spec.thresholds.length) * LABEL_ROW + 6 : 4 },
        },
        interaction: { mode: 'index', intersect: false },
        scales: {
          // A money axis (the subtotals): bars span their range, ticks at their edges.
          x: spec.x
            ? {
                type: 'linear',
                min: spec.x.min,
                max: spec.x.max,
                title: { display: true, text: spec.x.title },
                grid: { display: false },
                ticks: {
                  stepSize: spec.x.step,
                  maxRotation: 0,
                  autoSkipPadding: 8,
                  callback: (value) => spec.x.tick(value),
                },
              }
            : { offset: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: {
            beginAtZero: true,
            max: spec.yMax,
            title: { display: Boolean(spec.yTitle), text: spec.yTitle },
            ticks: { precision: 0, callback: spec.yTick ? (value) => spec.yTick(value) : undefined },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: spec.tooltipTitle ? (items) => spec.tooltipTitle(items[0].dataIndex) : undefined,
              label: spec.tooltipLabel ? (item) => spec.tooltipLabel(item.datasetIndex, item.dataIndex) : undefined,
            },
          },
          tiercartThresholds: { lines: spec.thresholds || [] },
        },
      },
    });
  }
}

customElements.define('tiercart-chart', TiercartChart);
