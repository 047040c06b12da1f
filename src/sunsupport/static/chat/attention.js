// Replies that arrive while the person is away: counted, shown as "(N)" in the tab's title
// (and, in the widget, on the launcher), announced by a browser notification if they
// allowed it, and marked read on the server once the person is back. "Away" means the tab
// is hidden or, in the widget, the panel is closed.

import { api } from "/static/common/api.js";
import { $ } from "/static/common/ui.js";
import { openChat } from "/static/chat/state.js";

const COUNTED = new Set(["operator", "system"]); // the bot answers while the person is here
const NOTIFY_KEY = "sunsupport.notifications"; // "on" when the person turned them on
const baseTitle = document.title;
const listeners = [];
let unread = 0;
let panelClosed = false;

export function isAway() {
  return document.hidden || panelClosed;
}

/** `handler(count)` now and whenever the count of unseen replies changes. */
export function onUnreadChange(handler) {
  listeners.push(handler);
  handler(unread);
}

/** The widget's panel was opened or closed on the host page. */
export function setPanelClosed(closed) {
  panelClosed = closed;
  if (!isAway()) caughtUp();
}

/** The open chat is on screen: the server may forget its unread replies. */
export function markSeen() {
  const id = openChat.id;
  if (!id || isAway()) return;
  api.markRead(id).catch(() => {}); // best effort: the next visit marks it again
}

/** A message arrived live in the open chat. */
export function noteIncoming(message) {
  if (!COUNTED.has(message.sender_type)) return;
  if (!isAway()) {
    markSeen();
    return;
  }
  unread += 1;
  changed();
  announce(message);
}

function caughtUp() {
  if (unread) {
    unread = 0;
    changed();
  }
  markSeen();
}

function changed() {
  document.title = unread ? `(${unread}) ${baseTitle}` : baseTitle;
  for (const handler of listeners) handler(unread);
}

document.addEventListener("visibilitychange", () => {
  if (!isAway()) caughtUp();
});

// --- browser notifications (a toggle in the top bar) ---------------------------------

const toggle = $("notify-toggle");
const supported = "Notification" in window && window.isSecureContext && window.top === window;

function wanted() {
  try {
    return localStorage.getItem(NOTIFY_KEY) === "on";
  } catch {
    return false;
  }
}

function enabled() {
  return supported && wanted() && Notification.permission === "granted";
}

function showToggle() {
  if (!toggle) return;
  toggle.hidden = !supported || Notification.permission === "denied";
  toggle.setAttribute("aria-pressed", String(enabled()));
  toggle.title = enabled() ? "Уведомления включены" : "Сообщать об ответах, пока вкладка скрыта";
}

function remember(on) {
  try {
    if (on) localStorage.setItem(NOTIFY_KEY, "on");
    else localStorage.removeItem(NOTIFY_KEY);
  } catch {
    /* storage disabled: the toggle lasts until reload */
  }
}

function announce(message) {
  if (!enabled() || !document.hidden) return;
  const text = message.sender_type === "operator" ? message.text : "Оператор подключился к чату";
  let note;
  try {
    note = new Notification("Ответ поддержки «Солнце»", {
      body: String(text).slice(0, 160),
      tag: `sunsupport:${message.session_id}`,
    });
  } catch {
    return; // a browser that shows notifications only from a service worker
  }
  note.onclick = () => {
    window.focus();
    note.close();
  };
}

toggle?.addEventListener("click", async () => {
  if (enabled()) {
    remember(false);
  } else {
    const permission = await Notification.requestPermission();
    remember(permission === "granted");
  }
  showToggle();
});
showToggle();
