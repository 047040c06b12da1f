// The queue: conversations waiting for an operator (oldest first), then the ones I have.
// Kept current by the live channel; a conversation picked here opens on the right.

import { api } from "/static/common/api.js";
import { currentUser } from "/static/common/auth.js";
import { queueBadgeText, waitingText } from "/static/common/status.js";
import { $, el } from "/static/common/ui.js";
import { newHandoff } from "/static/operator/alerts.js";
import { report } from "/static/operator/errors.js";
import { customerNode } from "/static/operator/customer.js";

const WAIT_TICK_MS = 30_000;

const dom = {
  list: $("queue-list"),
  count: $("queue-count"),
  empty: $("queue-empty"),
  refresh: $("queue-refresh"),
};
const queue = new Map(); // session id → queue item (session payload + username)
const bootAt = Date.now();
let selectedId = null; // the conversation open on the right
let waitTimer = null;
let picked = () => {};

export function queueItem(id) {
  return queue.get(id);
}

/** Replace the whole queue (the live channel's first frame, or a refresh); the «новое»
 *  marks are the page's own and survive it. */
export function setQueue(items) {
  const unread = new Set([...queue.values()].filter((item) => item.unread).map((item) => item.id));
  queue.clear();
  for (const item of items) queue.set(item.id, { ...item, unread: unread.has(item.id) });
  renderQueue();
}

export async function refreshQueue() {
  setQueue((await api.queue()) ?? []);
}

/** A conversation changed: it joins the queue, stays (mine), or leaves it. */
export function applySession(session) {
  const known = queue.get(session.id);
  const mine = session.assignee_id === currentUser()?.id;
  if (session.status === "pending_human") {
    if (!known || known.status !== "pending_human") newHandoff();
    queue.set(session.id, { ...(known ?? {}), ...session });
    if (!known?.username) refreshQueue().catch(() => {});
  } else if (session.status === "open" && mine) {
    queue.set(session.id, { ...(known ?? {}), ...session });
  } else {
    queue.delete(session.id);
  }
  renderQueue();
}

/** A client wrote in a conversation that is not open: mark it, unless it is old news. */
export function markUnread(item, sentAt) {
  if (item.unread || !(Date.parse(sentAt) > bootAt)) return;
  item.unread = true;
  renderQueue();
}

/** The conversation `id` opened on the right. */
export function markSelected(id) {
  selectedId = id;
  const item = queue.get(id);
  if (item) item.unread = false;
  renderQueue();
}

export function focusSelected() {
  dom.list.querySelector("[aria-current=true]")?.focus();
}

function sortedQueue() {
  const rank = (s) => (s.status === "pending_human" ? 0 : 1);
  return [...queue.values()].sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    const wa = Date.parse(a.waiting_since ?? "") || 0;
    const wb = Date.parse(b.waiting_since ?? "") || 0;
    return wa - wb || String(a.id).localeCompare(String(b.id));
  });
}

function queueNode(item) {
  const row = el("li", { className: "queue-row" });
  const button = el("button", {
    className: "queue-item",
    attrs: {
      type: "button",
      "data-testid": "queue-item",
      "data-session-id": item.id,
      "data-status": item.status,
    },
  });
  if (item.id === selectedId) button.setAttribute("aria-current", "true");
  const top = el("span", { className: "queue-top" });
  top.append(customerNode(item));
  const badge = el("span", {
    className: `queue-badge queue-badge--${item.status}`,
    text: queueBadgeText(item.status),
  });
  top.append(badge);
  if (item.unread) top.append(el("span", { className: "queue-unread", text: "новое" }));
  const title = el("span", { className: "queue-text", text: item.title?.trim() || "Без темы" });
  const wait = el("span", {
    className: "queue-wait",
    text: item.status === "pending_human" ? waitingText(item.waiting_since) : "",
  });
  wait.dataset.since = item.waiting_since ?? "";
  button.append(top, title, wait);
  row.append(button);
  return row;
}

function renderQueue() {
  const items = sortedQueue();
  const focusedId = document.activeElement?.closest?.("[data-testid=queue-item]")?.dataset.sessionId;
  dom.list.replaceChildren(...items.map(queueNode));
  if (focusedId) {
    dom.list.querySelector(`[data-session-id="${CSS.escape(focusedId)}"]`)?.focus();
  }
  const waiting = items.filter((i) => i.status === "pending_human").length;
  dom.count.textContent = waiting ? String(waiting) : "";
  dom.empty.hidden = items.length > 0;
}

function tickWaiting() {
  for (const node of dom.list.querySelectorAll(".queue-item[data-status=pending_human] .queue-wait")) {
    node.textContent = waitingText(node.dataset.since);
  }
}

export function startQueue() {
  waitTimer = setInterval(tickWaiting, WAIT_TICK_MS);
}

export function stopQueue() {
  clearInterval(waitTimer);
  waitTimer = null;
  queue.clear();
  selectedId = null;
  dom.list.replaceChildren();
}

/** `handler(id)` runs when a conversation in the queue is pressed. */
export function onQueuePicked(handler) {
  picked = handler;
}

dom.list.addEventListener("click", (event) => {
  const button = event.target.closest("[data-testid=queue-item]");
  if (button) picked(button.dataset.sessionId);
});
dom.refresh.addEventListener("click", () => refreshQueue().catch((e) => report(e, "sessions")));
