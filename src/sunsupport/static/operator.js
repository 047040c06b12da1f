// Operator console (/operator): the live queue, a conversation view, claim / reply /
// release / resolve, canned replies by "/shortcut". Plain ES modules, no build step.

import { api, ApiError, tokenStore } from "/static/common/api.js";
import { describeError } from "/static/common/errors.js";
import { LiveSocket, throttle, CLOSE_UNAUTHORIZED } from "/static/common/live.js";
import { startStaffPage } from "/static/staff.js";
import { messageNode } from "/static/common/messages.js";
import { waitingText } from "/static/common/status.js";
import { $, el } from "/static/common/ui.js";

const LABELS = { user: "Клиент", bot: "Бот", operator: "Оператор" };
const STATUS_LABELS = {
  bot: "с ботом",
  pending_human: "ждёт оператора",
  open: "в работе",
  resolved: "завершён",
};
const TAKEN = "Разговор уже взял другой оператор";
const HISTORY_LIMIT = 500;
const WAIT_TICK_MS = 30_000;
const TYPING_SHOWN_MS = 4000;
const CANNED_MAX_AGE_MS = 10_000;
const BASE_TITLE = document.title;

const dom = {
  app: $("app"),
  view: $("console-view"),
  liveStatus: $("live-status"),
  adminLink: $("admin-link"),
  queueList: $("queue-list"),
  queueCount: $("queue-count"),
  queueEmpty: $("queue-empty"),
  queueRefresh: $("queue-refresh"),
  convEmpty: $("conv-empty"),
  conv: $("conv"),
  convBack: $("conv-back"),
  convTitle: $("conv-title"),
  convUser: $("conv-user"),
  convStatus: $("conv-status"),
  claim: $("claim"),
  release: $("release"),
  resolve: $("resolve"),
  scroller: $("conv-scroller"),
  messages: $("conv-messages"),
  typing: $("conv-typing"),
  composer: $("operator-composer"),
  input: $("operator-input"),
  send: $("operator-send"),
  canned: $("canned-list"),
  error: $("error"),
  errorSlot: $("conv-error-slot"),
};

const state = {
  me: null,
  queue: new Map(), // session id → queue item (session payload + username)
  selectedId: null,
  selected: null, // the open conversation's session payload
  takenByOther: false,
  loadSeq: 0,
  maxId: 0, // biggest message id seen on the staff stream (catch-up point)
  live: null,
  waitTimer: null,
  typingTimer: null,
  badge: 0,
  cannedItems: [],
  cannedAt: 0,
  cannedMatches: [],
  cannedActive: 0,
  sending: false,
  bootAt: Date.now(),
};

const page = startStaffPage({
  roles: ["operator", "admin"],
  mainViewId: "console-view",
  onEnter: enterConsole,
  onLeave: leaveConsole,
});

/* ---------- errors ---------- */

function setError(text) {
  dom.error.textContent = text ?? "";
  dom.error.hidden = !text;
}

function report(error, fallbackAction = "operator") {
  if (error?.handled) return;
  if (!(error instanceof ApiError)) console.warn(error);
  setError(operatorError(error, fallbackAction));
}

function operatorError(error, action) {
  const status = error?.status;
  if (action === "claim" && status === 409) return TAKEN;
  if (status === 403) return "Этот разговор ведёт другой оператор.";
  if (status === 404) return "Разговор не найден — возможно, он удалён.";
  if (status === 409) return "Сначала возьмите разговор.";
  if (action === "reply" && status === 422) return "Ответ должен быть длиной от 1 до 2000 символов.";
  return describeError(error, action);
}

/* ---------- enter / leave ---------- */

async function enterConsole(user) {
  state.me = user;
  dom.errorSlot.append(dom.error);
  dom.adminLink.hidden = user.role !== "admin";
  state.live = new LiveSocket("/ws/staff", {
    token: () => tokenStore.get(),
    afterId: () => state.maxId,
    onEvent: onLive,
    onState: (s) => {
      dom.liveStatus.dataset.state = s;
      dom.liveStatus.textContent =
        s === "open" ? "В сети" : s === "connecting" ? "Подключение…" : "Нет связи, переподключаемся…";
    },
    onFatal: (code) => {
      if (code === CLOSE_UNAUTHORIZED) api.me().catch(() => {});
    },
  });
  state.waitTimer = setInterval(tickWaiting, WAIT_TICK_MS);
  loadCanned().catch(() => {});
  const linked = sessionFromHash();
  if (linked) await select(linked);
}

function leaveConsole() {
  state.live?.stop();
  state.live = null;
  clearInterval(state.waitTimer);
  state.waitTimer = null;
  state.queue.clear();
  state.selectedId = null;
  state.selected = null;
  state.maxId = 0;
  state.loadSeq += 1;
  dom.queueList.replaceChildren();
  dom.messages.replaceChildren();
  dom.conv.hidden = true;
  dom.convEmpty.hidden = false;
  dom.app.classList.remove("conv-open");
  setBadge(0);
  setError(null);
}

function sessionFromHash() {
  const match = /(?:^#|&)session=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

window.addEventListener("hashchange", () => {
  const id = sessionFromHash();
  if (id && state.me && id !== state.selectedId) select(id);
});

/* ---------- live events ---------- */

function onLive(frame) {
  switch (frame.type) {
    case "ready":
      state.queue.clear();
      for (const item of frame.queue ?? []) state.queue.set(item.id, item);
      renderQueue();
      break;
    case "session":
      onSessionEvent(frame.session);
      break;
    case "message":
      onMessageEvent(frame.message);
      break;
    case "typing":
      if (frame.sender_type === "user" && frame.session_id === state.selectedId) showTyping();
      break;
    default:
      break;
  }
}

function onSessionEvent(session) {
  if (!session?.id) return;
  const known = state.queue.get(session.id);
  const mine = session.assignee_id === state.me?.id;
  if (session.status === "pending_human") {
    if (!known || known.status !== "pending_human") newHandoff();
    state.queue.set(session.id, { ...(known ?? {}), ...session });
    if (!known?.username) refreshQueue().catch(() => {});
  } else if (session.status === "open" && mine) {
    state.queue.set(session.id, { ...(known ?? {}), ...session });
  } else {
    state.queue.delete(session.id);
  }
  renderQueue();
  if (session.id === state.selectedId) {
    const takenNow = session.status === "open" && !mine && state.selected?.status !== "open";
    state.selected = { ...(state.selected ?? {}), ...session };
    state.takenByOther = session.status === "open" && !mine;
    if (takenNow && state.me?.role !== "admin") setError(TAKEN);
    renderConversationChrome();
  }
}

function onMessageEvent(message) {
  if (!message?.id) return;
  const id = Number(message.id);
  if (id > state.maxId) state.maxId = id;
  const item = state.queue.get(message.session_id);
  if (item) item.last_message_at = message.sent_at;
  if (message.session_id === state.selectedId) {
    const stick = nearBottom();
    if (message.sender_type === "user") hideTyping();
    renderMessage(message);
    if (stick || message.sender_type === "operator") scrollToBottom();
  } else if (item && message.sender_type === "user" && Date.parse(message.sent_at) > state.bootAt) {
    item.unread = true;
    renderQueue();
  }
}

/* ---------- queue ---------- */

async function refreshQueue() {
  const items = (await api.queue()) ?? [];
  state.queue.clear();
  for (const item of items) state.queue.set(item.id, item);
  renderQueue();
}

function sortedQueue() {
  const rank = (s) => (s.status === "pending_human" ? 0 : 1);
  return [...state.queue.values()].sort((a, b) => {
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
  if (item.id === state.selectedId) button.setAttribute("aria-current", "true");
  const top = el("span", { className: "queue-top" });
  top.append(el("span", { className: "queue-user", text: item.username || "клиент" }));
  const badge = el("span", {
    className: `queue-badge queue-badge--${item.status}`,
    text: item.status === "pending_human" ? "ждёт" : "у вас",
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
  dom.queueList.replaceChildren(...items.map(queueNode));
  if (focusedId) {
    dom.queueList.querySelector(`[data-session-id="${CSS.escape(focusedId)}"]`)?.focus();
  }
  const waiting = items.filter((i) => i.status === "pending_human").length;
  dom.queueCount.textContent = waiting ? String(waiting) : "";
  dom.queueEmpty.hidden = items.length > 0;
}

function tickWaiting() {
  for (const node of dom.queueList.querySelectorAll(".queue-item[data-status=pending_human] .queue-wait")) {
    node.textContent = waitingText(node.dataset.since);
  }
}

/* ---------- new handoff: sound and title badge ---------- */

let audio = null;

function unlockAudio() {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => {});
  } catch {
    audio = null;
  }
}

function beep() {
  try {
    if (!audio || audio.state !== "running") return;
    const now = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.setValueAtTime(880, now);
    osc.frequency.setValueAtTime(1175, now + 0.12);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.3);
    osc.connect(gain).connect(audio.destination);
    osc.start(now);
    osc.stop(now + 0.32);
  } catch {
    /* no sound: the title badge still tells */
  }
}

function setBadge(n) {
  state.badge = n;
  document.title = n > 0 ? `(${n}) ${BASE_TITLE}` : BASE_TITLE;
}

function newHandoff() {
  beep();
  setBadge(state.badge + 1);
}

function seen() {
  if (state.badge && document.visibilityState === "visible") setBadge(0);
}

window.addEventListener("focus", seen);
for (const type of ["pointerdown", "keydown"]) {
  document.addEventListener(type, () => {
    unlockAudio();
    seen();
  }, { capture: true });
}

/* ---------- conversation ---------- */

function isMine() {
  const s = state.selected;
  return Boolean(s && s.status === "open" && (s.assignee_id === state.me?.id || state.me?.role === "admin"));
}

async function select(id) {
  const seq = ++state.loadSeq;
  state.selectedId = id;
  state.selected = state.queue.get(id) ?? { id };
  state.takenByOther = false;
  hideTyping();
  closeCanned();
  setError(null);
  const item = state.queue.get(id);
  if (item) item.unread = false;
  renderQueue();
  dom.convEmpty.hidden = true;
  dom.conv.hidden = false;
  dom.app.classList.add("conv-open");
  dom.messages.replaceChildren();
  renderConversationChrome();
  if (location.hash !== `#session=${encodeURIComponent(id)}`) {
    history.replaceState(null, "", `#session=${encodeURIComponent(id)}`);
  }
  dom.messages.setAttribute("aria-busy", "true");
  try {
    const [detail, items] = await Promise.all([
      api.sessionDetail(id),
      api.history(id, { limit: HISTORY_LIMIT }),
    ]);
    if (seq !== state.loadSeq) return;
    state.selected = { ...(state.queue.get(id) ?? {}), ...detail };
    state.takenByOther = detail.status === "open" && detail.assignee_id !== state.me?.id;
    for (const m of items ?? []) renderMessage(m);
    renderConversationChrome();
    scrollToBottom();
  } catch (error) {
    if (seq !== state.loadSeq) return;
    report(error, "history");
  } finally {
    if (seq === state.loadSeq) dom.messages.setAttribute("aria-busy", "false");
  }
}

function renderConversationChrome() {
  const s = state.selected ?? {};
  const item = state.queue.get(state.selectedId);
  dom.convTitle.textContent = s.title?.trim() || "Без темы";
  dom.convUser.textContent = item?.username ?? s.username ?? `клиент №${s.user_id ?? "?"}`;
  let statusText = STATUS_LABELS[s.status] ?? "…";
  if (s.status === "pending_human" && s.waiting_since) statusText += `, ${waitingText(s.waiting_since)}`;
  if (s.status === "open") statusText = state.takenByOther ? "у другого оператора" : "вы ведёте разговор";
  dom.convStatus.textContent = statusText;
  dom.conv.dataset.status = s.status ?? "";
  dom.claim.hidden = s.status !== "pending_human";
  const mine = isMine();
  dom.release.hidden = !mine;
  dom.resolve.hidden = !(mine || s.status === "pending_human");
  dom.input.disabled = !mine;
  dom.send.disabled = !mine;
  dom.input.placeholder = mine
    ? "Ответ клиенту… («/» — шаблоны)"
    : s.status === "pending_human"
      ? "Возьмите разговор, чтобы ответить"
      : "Отвечать можно только в своём открытом разговоре";
}

function messageRow(id) {
  return dom.messages.querySelector(`li[data-id="${CSS.escape(String(id))}"]`);
}

function renderMessage(m) {
  if (m?.id === undefined || m.id === null || messageRow(m.id)) return;
  const node = messageNode({ id: m.id, sender: m.sender_type, text: m.text, sentAt: m.sent_at, labels: LABELS });
  let after = dom.messages.lastElementChild;
  while (after && Number(after.dataset.id) > Number(m.id)) after = after.previousElementSibling;
  if (after) after.after(node);
  else dom.messages.prepend(node);
}

function nearBottom() {
  const { scrollTop, scrollHeight, clientHeight } = dom.scroller;
  return scrollHeight - scrollTop - clientHeight < 80;
}

function scrollToBottom() {
  dom.scroller.scrollTop = dom.scroller.scrollHeight;
}

function showTyping() {
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(hideTyping, TYPING_SHOWN_MS);
  const stick = nearBottom();
  dom.typing.hidden = false;
  if (stick) scrollToBottom();
}

function hideTyping() {
  clearTimeout(state.typingTimer);
  state.typingTimer = null;
  dom.typing.hidden = true;
}

/** Run an action on the open conversation and adopt the session it returns. */
async function act(button, action, call) {
  const id = state.selectedId;
  if (!id) return;
  button.disabled = true;
  setError(null);
  try {
    const session = await call(id);
    if (id !== state.selectedId) return;
    onSessionEvent(session);
    return session;
  } catch (error) {
    if (id !== state.selectedId) return;
    report(error, action);
    if (error?.status === 409 || error?.status === 403) {
      // Someone else moved it: show the truth.
      api.sessionDetail(id).then((detail) => {
        if (id !== state.selectedId) return;
        state.selected = { ...state.selected, ...detail };
        state.takenByOther = detail.status === "open" && detail.assignee_id !== state.me?.id;
        renderConversationChrome();
      }).catch(() => {});
    }
  } finally {
    button.disabled = false;
    renderConversationChrome();
  }
}

dom.claim.addEventListener("click", async () => {
  const session = await act(dom.claim, "claim", api.claim);
  if (session) dom.input.focus();
});
dom.release.addEventListener("click", () => act(dom.release, "release", api.release));
dom.resolve.addEventListener("click", () => act(dom.resolve, "resolve", api.resolve));
dom.queueRefresh.addEventListener("click", () => refreshQueue().catch((e) => report(e, "sessions")));

dom.queueList.addEventListener("click", (event) => {
  const button = event.target.closest("[data-testid=queue-item]");
  if (button) select(button.dataset.sessionId);
});

dom.convBack.addEventListener("click", () => {
  dom.app.classList.remove("conv-open");
  dom.queueList.querySelector("[aria-current=true]")?.focus();
});

/* ---------- replying ---------- */

const sendTyping = throttle(() => {
  if (state.selectedId) state.live?.send({ type: "typing", session_id: state.selectedId });
}, 2000);

async function sendReply() {
  const text = dom.input.value.trim();
  const id = state.selectedId;
  if (!text || !id || state.sending) return;
  if (!isMine()) {
    setError("Сначала возьмите разговор.");
    return;
  }
  state.sending = true;
  dom.send.disabled = true;
  setError(null);
  try {
    const message = await api.reply(id, text);
    if (dom.input.value.trim() === text) dom.input.value = "";
    if (id === state.selectedId) {
      renderMessage(message);
      scrollToBottom();
    }
  } catch (error) {
    report(error, "reply");
  } finally {
    state.sending = false;
    renderConversationChrome();
    dom.input.focus();
  }
}

dom.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  sendReply();
});

/* ---------- canned replies ---------- */

async function loadCanned() {
  state.cannedItems = (await api.canned()) ?? [];
  state.cannedAt = Date.now();
}

/** The "/word" just before the caret, if any: { start, end, query }. */
function slashToken() {
  const value = dom.input.value;
  const end = dom.input.selectionEnd ?? value.length;
  const match = /(^|\s)\/([\p{L}\p{N}_-]*)$/u.exec(value.slice(0, end));
  if (!match) return null;
  return { start: end - match[2].length - 1, end, query: match[2].toLowerCase() };
}

function renderCanned() {
  const token = slashToken();
  if (!token) {
    closeCanned();
    return;
  }
  const matches = state.cannedItems.filter((c) => c.shortcut.toLowerCase().startsWith(token.query));
  state.cannedMatches = matches.slice(0, 8);
  if (!state.cannedMatches.length) {
    closeCanned();
    return;
  }
  state.cannedActive = Math.min(state.cannedActive, state.cannedMatches.length - 1);
  dom.canned.replaceChildren(
    ...state.cannedMatches.map((c, i) => {
      const option = el("li", {
        className: "canned-option",
        attrs: {
          role: "option",
          id: `canned-${c.id}`,
          "data-testid": "canned-option",
          "data-index": String(i),
          "aria-selected": String(i === state.cannedActive),
        },
      });
      option.append(
        el("span", { className: "canned-shortcut", text: `/${c.shortcut}` }),
        el("span", { className: "canned-text", text: c.text }),
      );
      return option;
    }),
  );
  dom.canned.hidden = false;
  dom.input.setAttribute("aria-expanded", "true");
  dom.input.setAttribute("aria-activedescendant", `canned-${state.cannedMatches[state.cannedActive].id}`);
}

function closeCanned() {
  state.cannedMatches = [];
  state.cannedActive = 0;
  dom.canned.hidden = true;
  dom.canned.replaceChildren();
  dom.input.setAttribute("aria-expanded", "false");
  dom.input.removeAttribute("aria-activedescendant");
}

function applyCanned(index) {
  const choice = state.cannedMatches[index];
  const token = slashToken();
  if (!choice || !token) return;
  const value = dom.input.value;
  dom.input.value = value.slice(0, token.start) + choice.text + value.slice(token.end);
  const caret = token.start + choice.text.length;
  dom.input.setSelectionRange(caret, caret);
  closeCanned();
  dom.input.focus();
}

dom.input.addEventListener("input", () => {
  if (slashToken() && Date.now() - state.cannedAt > CANNED_MAX_AGE_MS) {
    loadCanned().then(renderCanned).catch(() => {});
  }
  state.cannedActive = 0;
  renderCanned();
  if (dom.input.value.trim() && !slashToken()) sendTyping();
});

dom.input.addEventListener("keydown", (event) => {
  if (event.isComposing) return;
  const open = !dom.canned.hidden && state.cannedMatches.length > 0;
  if (open) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const n = state.cannedMatches.length;
      state.cannedActive = (state.cannedActive + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
      renderCanned();
      return;
    }
    if (event.key === "Tab" || event.key === "Enter") {
      event.preventDefault();
      applyCanned(state.cannedActive);
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      closeCanned();
      return;
    }
  }
  if (event.key === "Tab" && !event.shiftKey && slashToken()) {
    // A shortcut typed in full before the list loaded.
    const token = slashToken();
    const exact = state.cannedItems.find((c) => c.shortcut.toLowerCase() === token.query);
    if (exact) {
      event.preventDefault();
      state.cannedMatches = [exact];
      applyCanned(0);
    }
    return;
  }
  if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  dom.composer.requestSubmit();
});

dom.input.addEventListener("blur", () => {
  // Let a click on an option land first.
  setTimeout(() => {
    if (document.activeElement !== dom.input) closeCanned();
  }, 150);
});

dom.canned.addEventListener("pointerdown", (event) => event.preventDefault()); // keep focus
dom.canned.addEventListener("click", (event) => {
  const option = event.target.closest("[data-index]");
  if (option) applyCanned(Number(option.dataset.index));
});

void page;
