// The sidebar: the user's chats, newest first. The open one is marked and names the chat;
// the last one opened is remembered per user for the next visit.

import { api } from "/static/common/api.js";
import { currentUser } from "/static/common/auth.js";
import { shortWhen } from "/static/common/dates.js";
import { $, el } from "/static/common/ui.js";
import { openChat } from "/static/chat/state.js";

const LAST_SESSION_KEY = "sunsupport.lastSession"; // + ":" + user id

const list = $("session-list");
const chatTitle = $("chat-title");
let sessions = [];
let picked = () => {};

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
 * one last opened, if it still exists, else the newest. */
export function chatToOpen() {
  const linked = new URLSearchParams(window.location.search).get("session");
  let remembered = null;
  try {
    remembered = localStorage.getItem(lastSessionKey());
  } catch {
    /* storage disabled */
  }
  const known = (id) => sessions.find((s) => s.id === id)?.id;
  return known(linked) ?? known(remembered) ?? sessions[0]?.id;
}

/** «1 новый ответ», «3 новых ответа», «5 новых ответов». */
function unreadLabel(count) {
  const tens = count % 100;
  const ones = count % 10;
  if (ones === 1 && tens !== 11) return `${count} новый ответ`;
  if (ones >= 2 && ones <= 4 && (tens < 12 || tens > 14)) return `${count} новых ответа`;
  return `${count} новых ответов`;
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
    item.append(
      el("span", {
        className: "session-unread",
        text: unread > 99 ? "99+" : String(unread),
        attrs: { "data-testid": "session-unread", title: label, "aria-label": label },
      }),
    );
  }
  return item;
}

export function renderSessions() {
  const nodes = sessions.map((s) => sessionNode(s, s.id === openChat.id));
  list.replaceChildren(...nodes);
  const current = sessions.find((s) => s.id === openChat.id);
  chatTitle.textContent = current?.title?.trim() || "Новый чат";
}

export async function refreshSessions() {
  sessions = (await api.listSessions(50)) ?? [];
  renderSessions();
}

/** A chat just created: listed first even if the list did not come back with it. */
export function addSession(session) {
  if (!sessions.some((s) => s.id === session.id)) {
    sessions.unshift({ id: session.id, created_date: session.created_date, title: null });
  }
}

/** A chat's new title (it is named after its first message). */
export function retitle(id, title) {
  const known = sessions.find((s) => s.id === id);
  if (known && known.title !== title) {
    known.title = title;
    renderSessions();
  }
}

export function forgetSessions() {
  sessions = [];
  list.replaceChildren();
}

/** `handler(id)` runs when a chat in the list is pressed. */
export function onSessionPicked(handler) {
  picked = handler;
}

list.addEventListener("click", (event) => {
  const button = event.target.closest("[data-session-id]");
  if (button) picked(button.dataset.sessionId);
});
