// Statistics for a period (the last 30 days at first): cards, the daily chart, top topics.

import { api } from "/static/common/api.js";
import { setError } from "/static/common/errors.js";
import { thumbIcon } from "/static/common/icons.js";
import { $, el } from "/static/common/ui.js";
import { chart, fillDays } from "/static/admin/chart.js";
import { count, decimal, formatSeconds, percent, utcDay } from "/static/admin/format.js";
import { complain, report } from "/static/admin/report.js";

const DEFAULT_DAYS = 30;

const dom = {
  form: $("stats-form"),
  from: $("stats-from"),
  to: $("stats-to"),
  stats: $("stats"),
  cards: $("stats-cards"),
  chart: $("stats-chart"),
  intents: $("stats-intents"),
};
let loaded = false;
let shownDays = null; // what the chart shows, to draw it again for a new width
let drawnWidth = 0;

function drawChart() {
  drawnWidth = dom.chart.clientWidth;
  dom.chart.replaceChildren(chart(shownDays, drawnWidth));
}

// A rotated phone, a resized window, the tab shown again: the chart is drawn to its width.
new ResizeObserver(() => {
  if (shownDays && dom.chart.clientWidth && dom.chart.clientWidth !== drawnWidth) drawChart();
}).observe(dom.chart);

/** The default period: the last 30 UTC days, today included. The statistics count whole
 * UTC days, so the fields, the request and the chart all speak of the same days. */
export function setDefaultPeriod() {
  const [to, from] = [new Date(), new Date(Date.now() - (DEFAULT_DAYS - 1) * 86400_000)];
  dom.from.value = utcDay(from);
  dom.to.value = utcDay(to);
}

/** The tab was opened: load once; the form reloads. */
export function showStats() {
  if (!loaded) loadStats();
}

export function forgetStats() {
  loaded = false;
}

/** A card; `note` is a text or a list of texts and nodes. */
function card(label, value, note) {
  const node = el("div", { className: "stat-card", attrs: { "data-testid": "stat-card" } });
  node.append(el("span", { className: "stat-value", text: value }), el("span", { className: "stat-label", text: label }));
  if (note) {
    const small = el("span", { className: "stat-note" });
    small.append(...[note].flat());
    node.append(small);
  }
  return node;
}

/** "оценки 👍 / 👎 ответов бота", the thumbs drawn as in the chat and named for a reader. */
function thumbsNote() {
  return ["оценки ", thumbIcon(false, "«помог»"), " / ", thumbIcon(true, "«не помог»"), " ответов бота"];
}

function renderStats(s) {
  dom.cards.replaceChildren(
    card("разговоров", count(s.conversations)),
    card(
      "сообщений",
      count(s.messages),
      `клиенты ${count(s.user_messages)} · бот ${count(s.bot_messages)} · операторы ${count(s.operator_messages)}`,
    ),
    card("бот не понял", percent(s.fallback_rate)),
    card("позвали оператора", percent(s.handoff_rate)),
    card("решено без человека", percent(s.self_service_rate)),
    card("первый ответ оператора (медиана)", formatSeconds(s.median_first_response_seconds)),
    card("ответ помог / не помог", `${count(s.thumbs_up)} / ${count(s.thumbs_down)}`, thumbsNote()),
    card(
      "средняя оценка",
      s.average_rating === null || s.average_rating === undefined ? "—" : `${decimal(s.average_rating)} из 5`,
      `оценок: ${count(s.ratings)}`,
    ),
  );
  shownDays = fillDays(s.daily ?? [], s.from, s.to);
  drawChart();
  const top = s.top_intents ?? [];
  dom.intents.replaceChildren(
    ...top.map((t) => {
      const li = el("li", { className: "intent-row" });
      const line = el("span", { className: "intent-line" });
      line.append(
        el("span", { className: "intent-name", text: t.title ?? t.intent }),
        el("span", { className: "intent-count", text: count(t.count) }),
      );
      li.append(line);
      return li;
    }),
  );
  if (!top.length) dom.intents.append(el("li", { className: "empty", text: "Пока нет данных." }));
}

async function loadStats() {
  if (!dom.from.value || !dom.to.value) {
    complain("Укажите обе даты.");
    return;
  }
  dom.stats.setAttribute("aria-busy", "true");
  try {
    const data = await api.stats(`${dom.from.value}T00:00:00Z`, `${dom.to.value}T23:59:59Z`);
    loaded = true;
    setError(null);
    renderStats(data);
  } catch (error) {
    report(error, "stats");
  } finally {
    dom.stats.setAttribute("aria-busy", "false");
  }
}

dom.form.addEventListener("submit", (event) => {
  event.preventDefault();
  loadStats();
});
