// Admin page (/admin): the "misunderstood" inbox, canned replies, statistics with an SVG chart.

import { api, ApiError } from "/static/common/api.js";
import { describeError } from "/static/common/errors.js";
import { startStaffPage } from "/static/staff.js";
import { $, el } from "/static/common/ui.js";

const PAGE = 50;
const REASONS = { fallback: "не понял", low_confidence: "не уверен", downvote: "👎" };
const STATUS_NAMES = { new: "новое", resolved: "разобрано", dismissed: "отклонено" };
const SVG = "http://www.w3.org/2000/svg";
const dateTime = new Intl.DateTimeFormat("ru-RU", { dateStyle: "medium", timeStyle: "short" });
const dayShort = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "short", timeZone: "UTC" });
const number = new Intl.NumberFormat("ru-RU");
const oneDecimal = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 1 });

const dom = {
  error: $("error"),
  errorSlot: $("admin-error-slot"),
  notice: $("notice"),
  tabs: [...document.querySelectorAll("[role=tab]")],
  inboxStatus: $("inbox-status"),
  inboxRefresh: $("inbox-refresh"),
  inboxList: $("inbox-list"),
  inboxEmpty: $("inbox-empty"),
  inboxPrev: $("inbox-prev"),
  inboxNext: $("inbox-next"),
  inboxPage: $("inbox-page"),
  cannedForm: $("canned-form"),
  cannedShortcut: $("canned-shortcut"),
  cannedText: $("canned-text"),
  cannedSave: $("canned-save"),
  cannedCancel: $("canned-cancel"),
  cannedItems: $("canned-items"),
  cannedEmpty: $("canned-empty"),
  statsForm: $("stats-form"),
  statsFrom: $("stats-from"),
  statsTo: $("stats-to"),
  stats: $("stats"),
  statsCards: $("stats-cards"),
  statsChart: $("stats-chart"),
  statsIntents: $("stats-intents"),
};

const state = {
  intents: [],
  offset: 0,
  inboxSeq: 0,
  canned: [],
  editing: null, // canned reply id being edited
  statsLoaded: false,
  noticeTimer: null,
};

startStaffPage({
  roles: ["admin"],
  mainViewId: "admin-view",
  onEnter: enterAdmin,
  onLeave: () => {
    dom.inboxList.replaceChildren();
    dom.cannedItems.replaceChildren();
    state.statsLoaded = false;
    setError(null);
  },
});

/* ---------- messages ---------- */

function setError(text) {
  dom.error.textContent = text ?? "";
  dom.error.hidden = !text;
}

function report(error, action) {
  if (error?.handled) return;
  if (!(error instanceof ApiError)) console.warn(error);
  setError(adminError(error, action));
}

function adminError(error, action) {
  const status = error?.status;
  if (action === "canned" && status === 409) return "Шаблон с таким коротким именем уже есть. Выберите другое имя.";
  if (action === "canned" && status === 422) {
    return "Короткое имя: буквы, цифры, «_» или «-» (до 32 символов); текст — от 1 до 2000 символов.";
  }
  if (status === 404) return "Запись не найдена — возможно, её уже удалили. Обновите список.";
  if (action === "teach" && status === 422) return "Выберите намерение из списка.";
  if (action === "stats" && status === 422) return "Проверьте даты: начало не позже конца, период не больше года.";
  if (status === 403) return "Только для администраторов.";
  return describeError(error, action);
}

function notify(text) {
  clearTimeout(state.noticeTimer);
  dom.notice.textContent = text;
  dom.notice.hidden = false;
  state.noticeTimer = setTimeout(() => {
    dom.notice.hidden = true;
  }, 5000);
}

/* ---------- tabs ---------- */

function showTab(name, focus = false) {
  for (const tab of dom.tabs) {
    const active = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(active));
    tab.tabIndex = active ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !active;
    if (active && focus) tab.focus();
  }
  setError(null);
  if (history.replaceState) history.replaceState(null, "", `#${name}`);
  if (name === "stats" && !state.statsLoaded) loadStats();
  if (name === "canned") loadCanned();
}

for (const tab of dom.tabs) {
  tab.addEventListener("click", () => showTab(tab.dataset.tab));
  tab.addEventListener("keydown", (event) => {
    const i = dom.tabs.indexOf(tab);
    let next = null;
    if (event.key === "ArrowRight") next = dom.tabs[(i + 1) % dom.tabs.length];
    if (event.key === "ArrowLeft") next = dom.tabs[(i + dom.tabs.length - 1) % dom.tabs.length];
    if (event.key === "Home") next = dom.tabs[0];
    if (event.key === "End") next = dom.tabs[dom.tabs.length - 1];
    if (next) {
      event.preventDefault();
      showTab(next.dataset.tab, true);
    }
  });
}

async function enterAdmin() {
  dom.errorSlot.append(dom.error);
  const [to, from] = [new Date(), new Date(Date.now() - 29 * 86400_000)];
  dom.statsFrom.value = isoDay(from);
  dom.statsTo.value = isoDay(to);
  try {
    state.intents = ((await api.intents()) ?? []).map((i) => i.id);
  } catch (error) {
    report(error, "sessions");
  }
  const wanted = location.hash.slice(1);
  const tab = dom.tabs.some((t) => t.dataset.tab === wanted) ? wanted : "inbox";
  showTab(tab);
  await loadInbox();
}

/* ---------- inbox ---------- */

function bestIntent(item) {
  if (item.intent && item.intent !== "fallback") return item.intent;
  const guess = (item.guesses ?? []).find((g) => g.intent && g.intent !== "fallback");
  return guess?.intent ?? "";
}

function percent(value) {
  return typeof value === "number" ? `${Math.round(value * 100)}%` : "—";
}

function inboxNode(item) {
  const row = el("li", {
    className: "inbox-item",
    attrs: { "data-testid": "inbox-item", "data-item-id": String(item.id) },
  });
  const head = el("div", { className: "inbox-head" });
  head.append(
    el("span", {
      className: `reason reason--${item.reason}`,
      text: REASONS[item.reason] ?? item.reason,
      attrs: { "data-testid": "inbox-reason" },
    }),
    el("time", {
      className: "inbox-when",
      text: dateTime.format(new Date(item.created_at)),
      attrs: { datetime: item.created_at },
    }),
  );
  if (item.status !== "new") head.append(el("span", { className: "inbox-status", text: STATUS_NAMES[item.status] }));
  const text = el("p", { className: "inbox-text", text: item.text, attrs: { "data-testid": "inbox-text" } });

  const facts = el("p", { className: "inbox-facts" });
  const answered = item.intent ? `ответ бота: ${item.intent} (${percent(item.confidence)})` : "";
  const guesses = (item.guesses ?? [])
    .slice(0, 3)
    .map((g) => `${g.intent} ${percent(g.confidence)}`)
    .join(", ");
  facts.textContent = [answered, guesses && `догадки: ${guesses}`].filter(Boolean).join(" · ");

  const actions = el("div", { className: "inbox-actions" });
  if (item.session_id) {
    actions.append(
      el("a", {
        className: "btn btn-link",
        text: "Открыть разговор",
        attrs: { href: `/operator#session=${encodeURIComponent(item.session_id)}`, "data-testid": "inbox-link" },
      }),
    );
  }
  const selectId = `teach-${item.id}`;
  const label = el("label", { className: "visually-hidden", text: "Намерение", attrs: { for: selectId } });
  const select = el("select", { className: "select", attrs: { id: selectId, "data-testid": "teach-intent" } });
  select.append(el("option", { text: "— намерение —", attrs: { value: "" } }));
  const preferred = bestIntent(item);
  for (const intent of state.intents) {
    if (intent === "fallback") continue;
    const option = el("option", { text: intent, attrs: { value: intent } });
    if (intent === preferred) option.selected = true;
    select.append(option);
  }
  const teach = el("button", {
    className: "btn btn-primary btn-small",
    text: "Научить",
    attrs: { type: "button", "data-testid": "teach", "data-action": "teach" },
  });
  actions.append(label, select, teach);
  if (item.status !== "dismissed") {
    actions.append(
      el("button", {
        className: "btn btn-secondary btn-small",
        text: "Отклонить",
        attrs: { type: "button", "data-testid": "dismiss", "data-action": "dismiss" },
      }),
    );
  }
  row.append(head, text);
  if (facts.textContent) row.append(facts);
  row.append(actions);
  return row;
}

async function loadInbox() {
  const seq = ++state.inboxSeq;
  const status = dom.inboxStatus.value;
  dom.inboxList.setAttribute("aria-busy", "true");
  try {
    const items = (await api.misunderstood(status, { limit: PAGE + 1, offset: state.offset })) ?? [];
    if (seq !== state.inboxSeq) return;
    if (!items.length && state.offset > 0) {
      state.offset = Math.max(0, state.offset - PAGE);
      await loadInbox();
      return;
    }
    dom.inboxList.replaceChildren(...items.slice(0, PAGE).map(inboxNode));
    dom.inboxEmpty.hidden = items.length > 0;
    dom.inboxPrev.disabled = state.offset === 0;
    dom.inboxNext.disabled = items.length <= PAGE;
    dom.inboxPage.textContent = `Страница ${state.offset / PAGE + 1}`;
  } catch (error) {
    if (seq === state.inboxSeq) report(error, "inbox");
  } finally {
    if (seq === state.inboxSeq) dom.inboxList.setAttribute("aria-busy", "false");
  }
}

function removeItem(row) {
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  next?.querySelector("select")?.focus();
  if (!dom.inboxList.childElementCount) loadInbox();
}

dom.inboxList.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const row = button.closest("[data-item-id]");
  const id = row.dataset.itemId;
  setError(null);
  button.disabled = true;
  try {
    if (button.dataset.action === "teach") {
      const intent = row.querySelector("select").value;
      if (!intent) {
        setError("Выберите намерение, которому научить бота.");
        row.querySelector("select").focus();
        return;
      }
      await api.teach(id, intent);
      notify(`Готово: бот теперь отвечает на эту фразу как на «${intent}».`);
    } else {
      await api.setInboxStatus(id, "dismissed");
      notify("Отклонено.");
    }
    if (dom.inboxStatus.value === "new" || button.dataset.action === "dismiss") removeItem(row);
    else loadInbox();
  } catch (error) {
    report(error, button.dataset.action);
  } finally {
    button.disabled = false;
  }
});

dom.inboxStatus.addEventListener("change", () => {
  state.offset = 0;
  loadInbox();
});
dom.inboxRefresh.addEventListener("click", loadInbox);
dom.inboxPrev.addEventListener("click", () => {
  state.offset = Math.max(0, state.offset - PAGE);
  loadInbox();
});
dom.inboxNext.addEventListener("click", () => {
  state.offset += PAGE;
  loadInbox();
});

/* ---------- canned replies ---------- */

function cannedNode(reply) {
  const row = el("li", {
    className: "canned-item",
    attrs: { "data-testid": "canned-item", "data-id": String(reply.id) },
  });
  const body = el("div", { className: "canned-body" });
  body.append(
    el("span", { className: "canned-shortcut", text: `/${reply.shortcut}` }),
    el("span", { className: "canned-text", text: reply.text }),
  );
  const actions = el("div", { className: "canned-actions" });
  actions.append(
    el("button", {
      className: "btn btn-ghost btn-small",
      text: "Изменить",
      attrs: { type: "button", "data-action": "edit", "data-testid": "canned-edit", "aria-label": `Изменить /${reply.shortcut}` },
    }),
    el("button", {
      className: "btn btn-ghost btn-small",
      text: "Удалить",
      attrs: { type: "button", "data-action": "delete", "data-testid": "canned-delete", "aria-label": `Удалить /${reply.shortcut}` },
    }),
  );
  row.append(body, actions);
  return row;
}

async function loadCanned() {
  try {
    state.canned = (await api.canned()) ?? [];
    renderCanned();
  } catch (error) {
    report(error, "canned");
  }
}

function renderCanned() {
  dom.cannedItems.replaceChildren(...state.canned.map(cannedNode));
  dom.cannedEmpty.hidden = state.canned.length > 0;
}

function resetCannedForm() {
  state.editing = null;
  dom.cannedShortcut.value = "";
  dom.cannedText.value = "";
  dom.cannedSave.textContent = "Добавить шаблон";
  dom.cannedCancel.hidden = true;
}

dom.cannedForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const shortcut = dom.cannedShortcut.value.trim().replace(/^\//, "");
  const text = dom.cannedText.value.trim();
  if (!/^[\p{L}\p{N}_-]{1,32}$/u.test(shortcut)) {
    setError("Короткое имя: буквы, цифры, «_» или «-», до 32 символов.");
    dom.cannedShortcut.focus();
    return;
  }
  if (!text) {
    setError("Введите текст ответа.");
    dom.cannedText.focus();
    return;
  }
  setError(null);
  dom.cannedSave.disabled = true;
  try {
    if (state.editing) {
      await api.updateCanned(state.editing, shortcut, text);
      notify(`Шаблон /${shortcut} сохранён.`);
    } else {
      await api.createCanned(shortcut, text);
      notify(`Шаблон /${shortcut} добавлен.`);
    }
    resetCannedForm();
    await loadCanned();
    dom.cannedShortcut.focus();
  } catch (error) {
    report(error, "canned");
  } finally {
    dom.cannedSave.disabled = false;
  }
});

dom.cannedCancel.addEventListener("click", () => {
  resetCannedForm();
  setError(null);
});

dom.cannedItems.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const id = Number(button.closest("[data-id]").dataset.id);
  const reply = state.canned.find((c) => c.id === id);
  if (!reply) return;
  if (button.dataset.action === "edit") {
    state.editing = id;
    dom.cannedShortcut.value = reply.shortcut;
    dom.cannedText.value = reply.text;
    dom.cannedSave.textContent = "Сохранить";
    dom.cannedCancel.hidden = false;
    dom.cannedShortcut.focus();
    return;
  }
  button.disabled = true;
  try {
    await api.deleteCanned(id);
    if (state.editing === id) resetCannedForm();
    notify(`Шаблон /${reply.shortcut} удалён.`);
    await loadCanned();
  } catch (error) {
    report(error, "canned");
    button.disabled = false;
  }
});

/* ---------- statistics ---------- */

function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local midnight of a yyyy-mm-dd value, as an ISO instant. */
function localStart(value, plusDays = 0) {
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function formatSeconds(s) {
  if (s === null || s === undefined) return "—";
  if (s < 60) return `${Math.round(s)} с`;
  if (s < 3600) return `${oneDecimal.format(s / 60)} мин`;
  return `${oneDecimal.format(s / 3600)} ч`;
}

function card(label, value, note) {
  const node = el("div", { className: "stat-card", attrs: { "data-testid": "stat-card" } });
  node.append(el("span", { className: "stat-value", text: value }), el("span", { className: "stat-label", text: label }));
  if (note) node.append(el("span", { className: "stat-note", text: note }));
  return node;
}

function renderStats(s) {
  dom.statsCards.replaceChildren(
    card("разговоров", number.format(s.conversations)),
    card(
      "сообщений",
      number.format(s.messages),
      `клиенты ${number.format(s.user_messages)} · бот ${number.format(s.bot_messages)} · операторы ${number.format(s.operator_messages)}`,
    ),
    card("бот не понял", percent(s.fallback_rate)),
    card("позвали оператора", percent(s.handoff_rate)),
    card("решено без человека", percent(s.self_service_rate)),
    card("первый ответ оператора (медиана)", formatSeconds(s.median_first_response_seconds)),
    card("ответ помог / не помог", `${number.format(s.thumbs_up)} / ${number.format(s.thumbs_down)}`, "оценки 👍 / 👎 ответов бота"),
    card(
      "средняя оценка",
      s.average_rating === null || s.average_rating === undefined ? "—" : `${oneDecimal.format(s.average_rating)} из 5`,
      `оценок: ${number.format(s.ratings)}`,
    ),
  );
  dom.statsChart.replaceChildren(chart(fillDays(s.daily ?? [], s.from, s.to)));
  const top = s.top_intents ?? [];
  dom.statsIntents.replaceChildren(
    ...top.map((t) => {
      const li = el("li", { className: "intent-row" });
      li.append(el("span", { className: "intent-name", text: t.intent }), el("span", { className: "intent-count", text: number.format(t.count) }));
      return li;
    }),
  );
  if (!top.length) dom.statsIntents.append(el("li", { className: "empty", text: "Пока нет данных." }));
}

/** The server lists only days with messages; the chart wants every day of the range. */
function fillDays(daily, from, to) {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const start = Date.parse(`${String(from).slice(0, 10)}T00:00:00Z`);
  const end = Date.parse(`${String(to).slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start || end - start > 120 * 86400_000) {
    return daily;
  }
  const days = [];
  for (let t = start; t <= end; t += 86400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    days.push(byDay.get(key) ?? { day: key, messages: 0, operator_messages: 0 });
  }
  return days;
}

function svgNode(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Bars for all messages per day, a line for operator messages; drawn with DOM APIs. */
function chart(days) {
  const W = 720;
  const H = 260;
  const pad = { left: 44, right: 12, top: 14, bottom: 34 };
  const innerW = W - pad.left - pad.right;
  const innerH = H - pad.top - pad.bottom;
  const max = Math.max(1, ...days.map((d) => d.messages));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const y = (v) => pad.top + innerH - (v / top) * innerH;
  const slot = innerW / Math.max(1, days.length);
  const total = days.reduce((sum, d) => sum + d.messages, 0);

  const svg = svgNode("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "chart-svg",
    role: "img",
    "data-testid": "stats-chart",
    "aria-label": `Сообщения по дням: всего ${total}`,
  });
  svg.append(svgNode("title", {}, `Сообщения по дням: всего ${total}`));

  const grid = svgNode("g", { class: "chart-grid" });
  for (let v = 0; v <= top; v += step) {
    grid.append(svgNode("line", { x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v) }));
    grid.append(svgNode("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end" }, number.format(v)));
  }
  svg.append(grid);

  const bars = svgNode("g", { class: "chart-bars" });
  const labels = svgNode("g", { class: "chart-labels" });
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((d, i) => {
    const x = pad.left + i * slot;
    const width = Math.max(1, slot * 0.7);
    const bar = svgNode("rect", {
      x: x + (slot - width) / 2,
      y: y(d.messages),
      width,
      height: Math.max(0, pad.top + innerH - y(d.messages)),
      rx: Math.min(3, width / 3),
    });
    const when = dayShort.format(new Date(`${d.day}T00:00:00Z`));
    bar.append(svgNode("title", {}, `${when}: ${d.messages} сообщ., операторы ${d.operator_messages}`));
    bars.append(bar);
    if (i % labelEvery === 0) {
      labels.append(svgNode("text", { x: x + slot / 2, y: H - pad.bottom + 18, "text-anchor": "middle" }, when));
    }
  });
  svg.append(bars, labels);

  if (days.length) {
    const points = days.map((d, i) => `${(pad.left + i * slot + slot / 2).toFixed(1)},${y(d.operator_messages).toFixed(1)}`);
    svg.append(svgNode("polyline", { class: "chart-line", points: points.join(" ") }));
    const dots = svgNode("g", { class: "chart-dots" });
    days.forEach((d, i) => {
      if (d.operator_messages > 0) {
        dots.append(svgNode("circle", { cx: pad.left + i * slot + slot / 2, cy: y(d.operator_messages), r: 3 }));
      }
    });
    svg.append(dots);
  }
  svg.append(svgNode("line", { class: "chart-axis", x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0) }));
  return svg;
}

function niceStep(max) {
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (raw <= m * magnitude) return Math.max(1, m * magnitude);
  return Math.max(1, 10 * magnitude);
}

async function loadStats() {
  if (!dom.statsFrom.value || !dom.statsTo.value) {
    setError("Укажите обе даты.");
    return;
  }
  dom.stats.setAttribute("aria-busy", "true");
  try {
    const data = await api.stats(localStart(dom.statsFrom.value), localStart(dom.statsTo.value, 1));
    state.statsLoaded = true;
    setError(null);
    renderStats(data);
  } catch (error) {
    report(error, "stats");
  } finally {
    dom.stats.setAttribute("aria-busy", "false");
  }
}

dom.statsForm.addEventListener("submit", (event) => {
  event.preventDefault();
  loadStats();
});
