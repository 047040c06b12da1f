// DOM building blocks. Every user- or server-supplied string goes in as text
// (textContent), never as HTML, so a message like <img src=x onerror=...> shows literally.

const SENDER_LABELS = { user: "Вы", bot: "Бот Солнца", operator: "Оператор" };

const timeFormat = new Intl.DateTimeFormat("ru-RU", { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "short" });
const fullFormat = new Intl.DateTimeFormat("ru-RU", { dateStyle: "long", timeStyle: "short" });

export const $ = (id) => document.getElementById(id);

/** Create an element with classes, attributes and optional text content. */
export function el(tag, { className, text, attrs } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function parseDate(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Short label for the sidebar: the time today, otherwise the date. */
export function shortWhen(value) {
  const date = parseDate(value);
  if (!date) return "";
  return sameDay(date, new Date()) ? timeFormat.format(date) : dayFormat.format(date);
}

/**
 * One message row: a meta line (author, time) and the bubble. The bubble carries
 * data-testid="message" and holds the message text only. Bot answers with an id may get
 * 👍/👎 buttons (`withFeedback`); `labels` renames the authors (the console says «Клиент»).
 */
export function messageNode({ id, sender, text, sentAt, feedback, withFeedback = false, labels }) {
  const names = labels ?? SENDER_LABELS;
  const kind = SENDER_LABELS[sender] ? sender : "bot";
  const item = el("li", { className: `msg msg--${kind}` });
  if (id !== undefined && id !== null) item.dataset.id = String(id);

  const meta = el("div", { className: "msg-meta" });
  meta.append(el("span", { className: "msg-author", text: names[kind] ?? SENDER_LABELS[kind] }));
  const date = parseDate(sentAt) ?? new Date();
  const time = el("time", {
    className: "msg-time",
    text: timeFormat.format(date),
    attrs: { datetime: date.toISOString(), title: fullFormat.format(date) },
  });
  meta.append(time);

  const bubble = el("div", {
    className: "msg-bubble",
    text: text ?? "",
    attrs: { "data-testid": "message", "data-sender": kind },
  });
  item.append(meta, bubble);
  if (withFeedback && kind === "bot" && item.dataset.id) {
    item.append(feedbackNode(feedback ?? null));
  }
  return item;
}

/** 👍/👎 toggle buttons under a bot answer; `value` is 1, -1 or null. */
function feedbackNode(value) {
  const group = el("div", {
    className: "msg-feedback",
    attrs: { role: "group", "aria-label": "Оцените ответ" },
  });
  const up = el("button", {
    className: "feedback-btn",
    attrs: { type: "button", "data-testid": "feedback-up", "data-value": "1", "aria-label": "Ответ помог", title: "Ответ помог" },
  });
  const down = el("button", {
    className: "feedback-btn",
    attrs: { type: "button", "data-testid": "feedback-down", "data-value": "-1", "aria-label": "Ответ не помог", title: "Ответ не помог" },
  });
  up.append(thumbIcon(false));
  down.append(thumbIcon(true));
  group.append(up, down);
  setFeedback(group, value);
  return group;
}

const SVG_NS = "http://www.w3.org/2000/svg";
const THUMB =
  "M7 10v11H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3zm0 0l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8.5a2 2 0 0 1-2 1.7H7";

/** A thumbs-up drawn in SVG (emoji fonts are not everywhere); `down` turns it over. */
function thumbIcon(down) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", down ? "icon thumb thumb--down" : "icon thumb");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", THUMB);
  svg.append(path);
  return svg;
}

/** Reflect `value` (1, -1 or null) in a message row's 👍/👎 buttons. */
export function setFeedback(container, value) {
  for (const button of container.querySelectorAll(".feedback-btn")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.value) === value));
  }
}

/** "ждёт 3 мин" style durations from a date until now. */
export function waitingText(since, now = Date.now()) {
  const date = parseDate(since);
  if (!date) return "";
  const minutes = Math.max(0, Math.floor((now - date.getTime()) / 60000));
  if (minutes < 1) return "ждёт меньше минуты";
  if (minutes < 60) return `ждёт ${minutes} мин`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `ждёт ${hours} ч ${minutes % 60} мин`;
  return `ждёт ${Math.floor(hours / 24)} дн`;
}

/** One sidebar entry (a real button inside a list item). */
export function sessionNode(session, active) {
  const item = el("li", { className: "session-row" });
  const button = el("button", {
    className: "session-item",
    attrs: { type: "button", "data-testid": "session-item", "data-session-id": session.id },
  });
  if (active) button.setAttribute("aria-current", "true");
  const title = session.title?.trim() || "Новый чат";
  // The date is drawn by CSS from data-when, so the button's text is exactly the title.
  const when = el("span", { className: "session-when", attrs: { "aria-hidden": "true" } });
  when.dataset.when = shortWhen(session.last_message_at || session.created_date);
  button.append(el("span", { className: "session-title", text: title }), when);
  button.title = title;
  item.append(button);
  return item;
}

export function suggestionNode(text) {
  return el("button", {
    className: "suggestion",
    text,
    attrs: { type: "button", "data-testid": "suggestion" },
  });
}
