// The statistics chart: bars for all messages per day, a line for the operators' messages.
// Drawn with DOM APIs (no library, no HTML strings), one SVG unit to a CSS pixel of the
// width it is drawn for: its labels keep their size on a phone instead of shrinking with
// a fixed-width drawing.

import { svg } from "/static/common/ui.js";
import { count } from "/static/admin/format.js";

const DAY_MS = 86400_000;
const dayShort = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "short", timeZone: "UTC" });

/** The server lists only days with messages; the chart wants every day of the range. */
export function fillDays(daily, from, to) {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const start = Date.parse(`${String(from).slice(0, 10)}T00:00:00Z`);
  const end = Date.parse(`${String(to).slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start || end - start > 120 * DAY_MS) {
    return daily;
  }
  const days = [];
  for (let t = start; t <= end; t += DAY_MS) {
    const key = new Date(t).toISOString().slice(0, 10);
    days.push(byDay.get(key) ?? { day: key, messages: 0, operator_messages: 0 });
  }
  return days;
}

/** A round step for the value axis: about four lines up to `max`. */
function niceStep(max) {
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (raw <= m * magnitude) return Math.max(1, m * magnitude);
  return Math.max(1, 10 * magnitude);
}

/** The chart for `days`, `width` CSS pixels wide (none yet, e.g. a hidden tab: 720). */
export function chart(days, width) {
  const W = Math.max(240, Math.round(width) || 720);
  const H = W < 480 ? 220 : 260;
  const pad = { left: 44, right: 12, top: 14, bottom: 34 };
  const innerW = W - pad.left - pad.right;
  const innerH = H - pad.top - pad.bottom;
  const max = Math.max(1, ...days.map((d) => d.messages));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const y = (v) => pad.top + innerH - (v / top) * innerH;
  const slot = innerW / Math.max(1, days.length);
  const total = days.reduce((sum, d) => sum + d.messages, 0);

  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "chart-svg",
    role: "img",
    "data-testid": "stats-chart",
    "aria-label": `Сообщения по дням: всего ${total}`,
  });
  root.append(svg("title", {}, `Сообщения по дням: всего ${total}`));

  const grid = svg("g", { class: "chart-grid" });
  for (let v = 0; v <= top; v += step) {
    grid.append(svg("line", { x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v) }));
    grid.append(svg("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end" }, count(v)));
  }
  root.append(grid);

  const bars = svg("g", { class: "chart-bars" });
  const labels = svg("g", { class: "chart-labels" });
  // A day label ("28 нояб.") takes about 52 px at 12 px: never let two touch.
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(2, Math.floor(innerW / 64))));
  days.forEach((d, i) => {
    const x = pad.left + i * slot;
    const width = Math.max(1, slot * 0.7);
    const bar = svg("rect", {
      x: x + (slot - width) / 2,
      y: y(d.messages),
      width,
      height: Math.max(0, pad.top + innerH - y(d.messages)),
      rx: Math.min(3, width / 3),
    });
    const when = dayShort.format(new Date(`${d.day}T00:00:00Z`));
    bar.append(svg("title", {}, `${when}: ${d.messages} сообщ., операторы ${d.operator_messages}`));
    bars.append(bar);
    if (i % labelEvery === 0) {
      labels.append(svg("text", { x: x + slot / 2, y: H - pad.bottom + 18, "text-anchor": "middle" }, when));
    }
  });
  root.append(bars, labels);

  if (days.length) {
    const points = days.map((d, i) => `${(pad.left + i * slot + slot / 2).toFixed(1)},${y(d.operator_messages).toFixed(1)}`);
    root.append(svg("polyline", { class: "chart-line", points: points.join(" ") }));
    const dots = svg("g", { class: "chart-dots" });
    days.forEach((d, i) => {
      if (d.operator_messages > 0) {
        dots.append(svg("circle", { cx: pad.left + i * slot + slot / 2, cy: y(d.operator_messages), r: 3 }));
      }
    });
    root.append(dots);
  }
  root.append(svg("line", { class: "chart-axis", x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0) }));
  return root;
}
