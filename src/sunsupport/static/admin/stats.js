// Statistics for a period (the last 30 days at first): cards, the daily chart, top topics.

import { api } from "/static/common/api.js";
import { setError } from "/static/common/errors.js";
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

function card(label, value, note) {
  const node = el("div", { className: "stat-card", attrs: { "data-testid": "stat-card" } });
  node.append(el("span", { className: "stat-value", text: value }), el("span", { className: "stat-label", text: label }));
  if (note) node.append(el("span", { className: "stat-note", text: note }));
  return node;
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
    card("ответ помог / не помог", `${count(s.thumbs_up)} / ${count(s.thumbs_down)}`, "оценки 👍 / 👎 ответов бота"),
    card(
      "средняя оценка",
      s.average_rating === null || s.average_rating === undefined ? "—" : `${decimal(s.average_rating)} из 5`,
      `оценок: ${count(s.ratings)}`,
    ),
  );
  dom.chart.replaceChildren(chart(fillDays(s.daily ?? [], s.from, s.to)));
  const top = s.top_intents ?? [];
  dom.intents.replaceChildren(
    ...top.map((t) => {
      const li = el("li", { className: "intent-row" });
      const name = el("span", { className: "intent-name", text: t.title ?? t.intent, attrs: { title: t.intent } });
      li.append(name, el("span", { className: "intent-count", text: count(t.count) }));
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
