// The sidebar: the user's chats by last activity (newest first, as the server orders
// them), each with «rename» and «delete»; 50 at first, «Показать ещё» reads the next 50.
// A chat written in moves to the top. The open one is marked and names the chat; the last
// one opened is remembered per user for the next visit. Until the list has loaded, a
// skeleton stands in for it.

import { announce } from "/static/common/announce.js";
import { api } from "/static/common/api.js";
import { currentUser } from "/static/common/auth.js";
import { report } from "/static/common/errors.js";
import { shortWhen } from "/static/common/dates.js";
import { $, el, svg } from "/static/common/ui.js";
import { plural } from "/static/common/words.js";
import { openChat } from "/static/chat/state.js";

const LAST_SESSION_KEY = "sunsupport.lastSession"; // + ":" + user id
const PAGE = 50; // chats shown at first and added by «Показать ещё»
const MAX_LIMIT = 100; // the most GET /chat/sessions gives at once

const ICONS = {
  rename: "M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4",
  delete: "M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3",
};

const list = $("session-list");
const skeleton = $("sessions-skeleton");
const chatTitle = $("chat-title");
const moreButton = $("sessions-more");
let sessions = [];
let loaded = false;
let more = false; // the server has chats past the listed ones
let loadingMore = false;
let generation = 0; // a list replaced (re-read, logout) makes a slower «more» answer stale
let picked = () => {};
let acted = () => {};

function lastSessionKey() {
  return `${LAST_SESSION_KEY}:${currentUser()?.id ?? ""}`;
}

export function rememberSession(id) {
  try {
    localStorage.setItem(lastSessionKey(), id);
  } catch {
    /* storage disabled */
  }
}

/** The chat to open: the one a link names (`?session=`, the reply emails' link), else the
 * one last opened, if it still exists, else the newest. One past the first page (opened
 * after «Показать ещё») is found by listing further, so it is marked in the list. */
export async function chatToOpen() {
  const linked = new URLSearchParams(window.location.search).get("session");
  let remembered = null;
  try {
    remembered = localStorage.getItem(lastSessionKey());
  } catch {
    /* storage disabled */
  }
  const known = (id) => sessions.find((s) => s.id === id)?.id;
  const found = known(linked) ?? known(remembered);
  if (found) return found;
  for (const id of [linked, remembered]) {
    if (id && (await listUntil(id))) return id;
  }
  return sessions[0]?.id;
}

/** Show more of the list until it has chat `id`, if that is the user's; whether it does. */
async function listUntil(id) {
  if (!more) return false;
  const detail = await api.sessionDetail(id).catch(() => null);
  if (detail?.user_id !== currentUser()?.id) return false;
  while (more && !sessions.some((s) => s.id === id)) {
    if (!(await appendChats(MAX_LIMIT))) return false; // signed out, or read again
  }
  renderSessions();
  return sessions.some((s) => s.id === id);
}

/** «1 новый ответ», «3 новых ответа», «5 новых ответов». */
function unreadLabel(count) {
  return plural(count, "новый ответ", "новых ответа", "новых ответов");
}

/** One sidebar entry (a real button inside a list item). */
function sessionNode(session, active) {
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
  const unread = active ? 0 : session.unread ?? 0; // the open chat is being read
  if (unread > 0) {
    // Beside the button, not in it: the button's text stays exactly the chat's title.
    const label = unreadLabel(unread);
    item.classList.add("has-unread");
    // role=img: a plain span may not carry aria-label; the count is shown, the words read.
    item.append(
      el("span", {
        className: "session-unread",
        text: unread > 99 ? "99+" : String(unread),
        attrs: { "data-testid": "session-unread", role: "img", title: label, "aria-label": label },
      }),
    );
  }
  item.append(actionButton("rename", `Переименовать чат «${title}»`, session.id));
  item.append(actionButton("delete", `Удалить чат «${title}»`, session.id));
  return item;
}

function actionButton(action, label, id) {
  const button = el("button", {
    className: `icon-btn session-action session-action--${action}`,
    attrs: {
      type: "button",
      "data-testid": `session-${action}`,
      "data-action": action,
      "data-session-id": id,
      "aria-label": label,
      title: label,
    },
  });
  const icon = svg("svg", { viewBox: "0 0 24 24", class: "icon", "aria-hidden": "true", focusable: "false" });
  icon.append(
    svg("path", {
      d: ICONS[action],
      fill: "none",
      stroke: "currentColor",
      "stroke-width": "2",
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
    }),
  );
  button.append(icon);
  return button;
}

/** The title a chat shows. */
export function sessionTitle(id) {
  return sessions.find((s) => s.id === id)?.title?.trim() || "Новый чат";
}

/** The newest chat other than `id`, if any. */
export function otherSession(id) {
  return sessions.find((s) => s.id !== id)?.id ?? null;
}

export function renderSessions() {
  const nodes = sessions.map((s) => sessionNode(s, s.id === openChat.id));
  const focused = document.activeElement;
  const focusKey = list.contains(focused)
    ? [focused.dataset.sessionId, focused.dataset.action ?? ""]
    : null;
  list.replaceChildren(...nodes);
  if (focusKey) {
    const [id, action] = focusKey.map((v) => CSS.escape(v ?? ""));
    const selector = action ? `[data-session-id="${id}"][data-action="${action}"]` : `.session-item[data-session-id="${id}"]`;
    list.querySelector(selector)?.focus();
  }
  const current = sessions.find((s) => s.id === openChat.id);
  chatTitle.textContent = loaded || current ? current?.title?.trim() || "Новый чат" : "Загрузка…";
  moreButton.hidden = !more;
}

/** Until the first list arrives, a skeleton (an empty list would look like no chats). */
function setLoading(loading) {
  skeleton.hidden = !loading;
  list.setAttribute("aria-busy", String(loading));
}

/** The `count` chats from `offset` on, in pages the API allows, asking for one more to
 *  know whether there are more. A chat that moved to the top between two pages pushes the
 *  rest down, so the next page may begin with one already read: it is kept once. */
async function fetchChats(count, offset = 0) {
  const rows = [];
  for (;;) {
    const limit = Math.min(MAX_LIMIT, count - rows.length + 1);
    const page = (await api.listSessions(limit, offset + rows.length)) ?? [];
    rows.push(...page);
    if (page.length < limit) return { rows: unique(rows), more: false };
    if (rows.length > count) return { rows: unique(rows.slice(0, count)), more: true };
  }
}

function unique(rows, known = new Set()) {
  return rows.filter((row) => !known.has(row.id) && known.add(row.id));
}

/** The next `count` chats, after those listed (skipping any already there); the ones
 *  added, or null when the list was replaced meanwhile (a sign-out, a re-read). */
async function appendChats(count) {
  const mine = generation;
  const next = await fetchChats(count, sessions.length);
  if (mine !== generation) return null;
  const added = unique(next.rows, new Set(sessions.map((s) => s.id)));
  sessions.push(...added);
  more = next.more && added.length > 0; // nothing new: stop asking
  return added;
}

/** Read the list again, as far as it was shown (unread counts, titles, order). */
export async function refreshSessions() {
  generation += 1;
  const fresh = await fetchChats(Math.max(PAGE, sessions.length));
  sessions = fresh.rows;
  more = fresh.more;
  loaded = true;
  setLoading(false);
  renderSessions();
}

/** «Показать ещё»: the next chats go at the end of the list; focus moves to the first of
 *  them (where the button was), and a screen reader hears how many came. */
async function showMore() {
  if (loadingMore) return;
  loadingMore = true;
  moreButton.setAttribute("aria-busy", "true");
  try {
    const added = await appendChats(PAGE);
    if (!added) return;
    const focusNew = document.activeElement === moreButton; // not taken from elsewhere
    renderSessions();
    if (focusNew && added.length) {
      list.querySelector(`.session-item[data-session-id="${CSS.escape(added[0].id)}"]`)?.focus();
    }
    const count = added.length
      ? `Показано ещё ${plural(added.length, "чат", "чата", "чатов")}`
      : "Других чатов нет";
    announce(more || !added.length ? count : `${count}, это все ваши чаты`);
  } catch (error) {
    report(error, "sessions");
  } finally {
    loadingMore = false;
    moreButton.removeAttribute("aria-busy");
  }
}

/** A chat just created: listed first even if the list did not come back with it. */
export function addSession(session) {
  if (!sessions.some((s) => s.id === session.id)) {
    sessions.unshift({ id: session.id, created_date: session.created_date, title: null });
  }
}

/** A message was sent in `id`: its time is shown from here and it moves to the top; a
 *  chat still without a title is re-read instead (the server names it after its first
 *  message). */
export async function touchSession(id, at) {
  const known = sessions.find((s) => s.id === id);
  if (!known?.title) return refreshSessions();
  noteActivity(id, at);
}

/** A message in `id` at `at` (sent here, or arrived live): the list is by last activity,
 *  so that chat is now the first. */
export function noteActivity(id, at) {
  const known = sessions.find((s) => s.id === id);
  if (!known) return;
  known.last_message_at = at;
  sessions = [known, ...sessions.filter((s) => s !== known)];
  renderSessions();
}

/** A chat's new title (it is named after its first message). */
export function retitle(id, title) {
  const known = sessions.find((s) => s.id === id);
  if (known && known.title !== title) {
    known.title = title;
    renderSessions();
  }
}

/** A chat renamed or deleted here. */
export function updateSession(id, changes) {
  const known = sessions.find((s) => s.id === id);
  if (known) Object.assign(known, changes);
  renderSessions();
}

export function dropSession(id) {
  sessions = sessions.filter((s) => s.id !== id);
  renderSessions();
}

export function forgetSessions() {
  sessions = [];
  loaded = false;
  more = false;
  generation += 1;
  moreButton.hidden = true;
  list.replaceChildren();
  setLoading(true);
}

/** `handler(id)` runs when a chat in the list is pressed. */
export function onSessionPicked(handler) {
  picked = handler;
}

/** `handler(action, id)` runs for a chat's «rename» or «delete». */
export function onSessionAction(handler) {
  acted = handler;
}

moreButton.addEventListener("click", showMore);

list.addEventListener("click", (event) => {
  const button = event.target.closest("[data-session-id]");
  if (!button) return;
  if (button.dataset.action) acted(button.dataset.action, button.dataset.sessionId);
  else picked(button.dataset.sessionId);
});
