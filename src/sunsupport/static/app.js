// "Солнце · техподдержка": the single-page chat client.
// Plain ES modules, no build step, nothing loaded from other hosts.

import { api, ApiError, onUnauthorized, tokenStore } from "/static/api.js";
import { describeError, SESSION_EXPIRED, validateCredentials } from "/static/messages.js";
import { LiveSocket, throttle, CLOSE_UNAUTHORIZED } from "/static/live.js";
import { $, messageNode, sessionNode, setFeedback, suggestionNode } from "/static/ui.js";

const PAGE_SIZE = 100; // history page; a full page means there may be earlier messages
const MAX_LENGTH = 2000; // server limit for one message
const MIN_TYPING_MS = 500; // the typing feel is the page's job: the server answers at once
const LAST_SESSION_KEY = "sunsupport.lastSession"; // + ":" + user id
const DRAFT_KEY = "sunsupport.draft"; // text typed when the token expired mid-send
const STARTERS = ["Когда будет солнце?", "Какая погода на Солнце?", "Почему ночью нет солнца?"];
const HUMAN_STATUSES = new Set(["pending_human", "open"]);
const STATUS_TEXT = {
  pending_human: "Ждём оператора…",
  open: "Оператор на связи",
  resolved: "Разговор завершён",
};
const TYPING_SHOWN_MS = 4000; // an operator's typing event keeps the indicator this long
const TYPING_SEND_MS = 2000; // at most one typing frame per this interval

const dom = {
  app: $("app"),
  topbar: document.querySelector(".topbar"),
  chatMain: document.querySelector(".chat"),
  loginView: $("login-view"),
  chatView: $("chat-view"),
  loginForm: $("login-form"),
  username: $("login-username"),
  password: $("login-password"),
  userBox: $("user-box"),
  userName: $("user-name"),
  logout: $("logout"),
  menuToggle: $("menu-toggle"),
  sidebar: $("sidebar"),
  backdrop: $("backdrop"),
  newSession: $("new-session"),
  sessionList: $("session-list"),
  chatTitle: $("chat-title"),
  clearHistory: $("clear-history"),
  scroller: $("scroller"),
  loadEarlier: $("load-earlier"),
  welcome: $("welcome"),
  messages: $("message-list"),
  typing: $("typing"),
  typingText: document.querySelector("#typing .typing-text"),
  chatStatus: $("chat-status"),
  chatStatusText: $("chat-status-text"),
  rating: $("rating"),
  ratingStars: $("rating-stars"),
  ratingComment: $("rating-comment"),
  ratingSubmit: $("rating-submit"),
  ratingError: $("rating-error"),
  ratingDone: $("rating-done"),
  suggestions: $("suggestions"),
  composer: $("composer"),
  input: $("chat-input"),
  charCount: $("char-count"),
  error: $("error"),
  loginErrorSlot: $("login-error-slot"),
  chatErrorSlot: $("chat-error-slot"),
};

const state = {
  view: "loading",
  user: null,
  sessions: [],
  currentId: null,
  oldestId: null,
  historyLoaded: false,
  historySeq: 0, // guards against a slow history response for a chat no longer open
  pending: null, // { sessionId, node } while a message waits for its answer
  sending: false, // a send is under way (possibly still waiting for the chat to load)
  ready: Promise.resolve(), // settles when the open chat's history has loaded
  authBusy: false,
  status: null, // the open chat's status: bot | pending_human | open | resolved
  rating: null, // the open chat's rating, once given
  ratingChoice: 0,
  maxId: 0, // the biggest message id on screen (the live channel catches up from it)
  live: null, // LiveSocket for the open chat
  liveBacklog: [], // live events held while a send or a history load is under way
  operatorTyping: null, // timer while the operator's typing indicator shows
};

const mobile = window.matchMedia("(max-width: 767.98px)");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/* ---------- errors ---------- */

function setError(text) {
  dom.error.textContent = text ?? "";
  dom.error.hidden = !text;
}

/** Show a failure, except an expired token, which already sent the user to the login form. */
function report(error, action) {
  if (error?.handled) return;
  if (!(error instanceof ApiError)) console.warn(error); // a bug, not a server answer
  setError(describeError(error, action));
}

/* ---------- views ---------- */

function showView(view) {
  state.view = view;
  dom.app.dataset.view = view;
  const chat = view === "chat";
  dom.loginView.hidden = chat;
  dom.chatView.hidden = !chat;
  dom.userBox.hidden = !chat;
  dom.menuToggle.hidden = !chat;
  (chat ? dom.chatErrorSlot : dom.loginErrorSlot).append(dom.error);
  closeDrawer(false);
}

function resetChat() {
  state.user = null;
  state.sessions = [];
  state.currentId = null;
  state.oldestId = null;
  state.historyLoaded = false;
  state.historySeq += 1;
  state.pending = null;
  stopLive();
  setStatus(null);
  dom.messages.replaceChildren();
  dom.sessionList.replaceChildren();
  dom.userName.textContent = "";
  dom.input.value = "";
  renderSuggestions([]);
  updateChrome();
}

function showLogin(message = null) {
  resetChat();
  showView("login");
  setError(message);
  dom.password.value = "";
  dom.username.focus();
}

onUnauthorized(() => {
  tokenStore.clear();
  if (state.view === "login") return;
  showLogin(SESSION_EXPIRED);
});

/* ---------- login and registration ---------- */

function setAuthBusy(busy) {
  state.authBusy = busy;
  dom.loginForm.setAttribute("aria-busy", String(busy));
  dom.loginForm.classList.toggle("is-busy", busy);
}

dom.loginForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (state.authBusy) return;
  const registering = event.submitter?.value === "register";
  const username = dom.username.value.trim();
  const password = dom.password.value;
  const problem = validateCredentials(username, password, registering);
  if (problem) {
    setError(problem.text);
    (problem.field === "username" ? dom.username : dom.password).focus();
    return;
  }
  setError(null);
  setAuthBusy(true);
  let stage = registering ? "register" : "login";
  try {
    if (registering) await api.register(username, password);
    stage = "login";
    const { access_token: token } = await api.login(username, password);
    tokenStore.set(token);
    dom.password.value = "";
    await enterChat();
  } catch (error) {
    if (state.view === "login") {
      report(error, stage);
      if (stage === "login" || error?.status === 409) dom.password.select();
    }
  } finally {
    setAuthBusy(false);
  }
});

/* ---------- chat: sessions ---------- */

function lastSessionKey() {
  return `${LAST_SESSION_KEY}:${state.user?.id ?? ""}`;
}

function rememberSession(id) {
  try {
    localStorage.setItem(lastSessionKey(), id);
  } catch {
    /* storage disabled */
  }
}

function rememberedSession() {
  try {
    return localStorage.getItem(lastSessionKey());
  } catch {
    return null;
  }
}

function renderSessions() {
  const nodes = state.sessions.map((s) => sessionNode(s, s.id === state.currentId));
  dom.sessionList.replaceChildren(...nodes);
  const current = state.sessions.find((s) => s.id === state.currentId);
  dom.chatTitle.textContent = current?.title?.trim() || "Новый чат";
}

async function refreshSessions() {
  state.sessions = (await api.listSessions(50)) ?? [];
  renderSessions();
}

async function enterChat() {
  state.user = await api.me();
  dom.userName.textContent = state.user.username;
  let loaded;
  state.ready = new Promise((resolve) => {
    loaded = resolve;
  });
  showView("chat");
  setError(null);
  restoreDraft();
  try {
    await refreshSessions();
    const remembered = rememberedSession();
    let target = state.sessions.find((s) => s.id === remembered)?.id ?? state.sessions[0]?.id;
    if (!target) {
      target = (await api.createSession()).id;
      await refreshSessions();
    }
    await openSession(target);
  } catch (error) {
    report(error, "sessions");
  } finally {
    loaded();
  }
  if (state.view === "chat") dom.input.focus();
}

/** Open a chat and load its latest messages; a message typed meanwhile waits for it. */
function openSession(id) {
  const loading = loadSession(id);
  state.ready = loading.catch(() => {});
  return loading;
}

async function loadSession(id) {
  const seq = ++state.historySeq;
  state.currentId = id;
  state.oldestId = null;
  state.historyLoaded = false;
  state.maxId = 0;
  stopLive();
  setStatus(null);
  rememberSession(id);
  renderSessions();
  dom.messages.replaceChildren();
  dom.loadEarlier.hidden = true;
  renderSuggestions([]);
  updateChrome();
  dom.messages.setAttribute("aria-busy", "true");
  try {
    const detail = api.sessionDetail(id).catch(() => null);
    const items = (await api.history(id, { limit: PAGE_SIZE })) ?? [];
    if (seq !== state.historySeq) return;
    dom.messages.replaceChildren();
    for (const m of items) renderMessage(m);
    state.oldestId = items[0]?.id ?? null;
    const info = await detail;
    if (seq !== state.historySeq) return;
    if (info) {
      state.rating = info.rating ?? null;
      setStatus(info.status);
    }
    dom.loadEarlier.hidden = items.length < PAGE_SIZE;
    state.historyLoaded = true;
    setError(null);
    startLive(id);
  } catch (error) {
    if (seq !== state.historySeq) return;
    report(error, "history");
    if (error?.status === 404 || error?.status === 403) refreshSessions().catch(() => {});
  } finally {
    if (seq === state.historySeq) {
      dom.messages.setAttribute("aria-busy", "false");
      updateChrome();
      scrollToBottom();
    }
  }
}

function toNode(m) {
  return messageNode({
    id: m.id,
    sender: m.sender_type,
    text: m.text,
    sentAt: m.sent_at,
    feedback: m.feedback ?? null,
    withFeedback: true,
  });
}

function messageRow(id) {
  return dom.messages.querySelector(`li[data-id="${CSS.escape(String(id))}"]`);
}

function noteId(id) {
  const n = Number(id);
  if (Number.isFinite(n) && n > state.maxId) state.maxId = n;
}

/**
 * Show a message once, in id order: a second copy (POST answer + live event) is skipped.
 * Returns whether the message was new on screen.
 */
function renderMessage(m) {
  if (m?.id === undefined || m.id === null) return false;
  const existing = messageRow(m.id);
  noteId(m.id);
  if (existing) {
    if (m.feedback !== undefined) setFeedback(existing, m.feedback ?? null);
    return false;
  }
  const node = toNode(m);
  // Walk back past newer rows and rows still waiting for their id.
  let after = dom.messages.lastElementChild;
  while (after && (!after.dataset.id || Number(after.dataset.id) > Number(m.id))) {
    after = after.previousElementSibling;
  }
  if (after) after.after(node);
  else dom.messages.prepend(node);
  return true;
}

/* ---------- chat: live delivery and status ---------- */

function stopLive() {
  state.live?.stop();
  state.live = null;
  state.liveBacklog = [];
  hideOperatorTyping();
}

function startLive(id) {
  stopLive();
  state.live = new LiveSocket(`/ws/chat/${encodeURIComponent(id)}`, {
    token: () => tokenStore.get(),
    afterId: () => state.maxId,
    onEvent: (frame) => {
      if (id !== state.currentId) return;
      if (state.pending || !state.historyLoaded) state.liveBacklog.push(frame);
      else applyLive(frame);
    },
    onFatal: (code) => {
      // An expired token: any API call now answers 401 and brings the login form.
      if (code === CLOSE_UNAUTHORIZED) api.me().catch(() => {});
    },
  });
}

function flushLive() {
  const frames = state.liveBacklog;
  state.liveBacklog = [];
  for (const frame of frames) applyLive(frame);
}

function applyLive(frame) {
  switch (frame.type) {
    case "ready":
      if (frame.session?.id === state.currentId) setStatus(frame.session.status);
      break;
    case "message": {
      const m = frame.message;
      if (!m || m.session_id !== state.currentId) return;
      const stick = nearBottom();
      if (m.sender_type === "operator") hideOperatorTyping();
      if (!renderMessage(m)) return; // already on screen (the POST answer brought it)
      if (m.sender_type !== "user") renderSuggestions([]);
      updateChrome();
      if (stick || m.sender_type === "operator") scrollToBottom();
      break;
    }
    case "session": {
      const session = frame.session;
      if (!session || session.id !== state.currentId) return;
      const known = state.sessions.find((s) => s.id === session.id);
      if (known && known.title !== session.title) {
        known.title = session.title;
        renderSessions();
      }
      if (session.status !== "resolved") state.rating = null;
      setStatus(session.status);
      break;
    }
    case "typing":
      if (frame.session_id === state.currentId && frame.sender_type === "operator") {
        showOperatorTyping();
      }
      break;
    default:
      break;
  }
}

function nearBottom() {
  const { scrollTop, scrollHeight, clientHeight } = dom.scroller;
  return scrollHeight - scrollTop - clientHeight < 80;
}

function humanMode() {
  return HUMAN_STATUSES.has(state.status);
}

function setStatus(status) {
  const changed = status !== state.status;
  state.status = status ?? null;
  const text = STATUS_TEXT[state.status] ?? "";
  dom.chatStatus.hidden = !text;
  dom.chatStatus.dataset.status = state.status ?? "";
  dom.chatStatusText.textContent = text;
  if (state.status !== "open") hideOperatorTyping();
  renderRating(changed);
  updateChrome();
}

function renderRating(statusChanged) {
  const resolved = state.status === "resolved";
  const rated = resolved && state.rating !== null;
  dom.rating.hidden = !resolved || rated;
  dom.ratingDone.hidden = !rated;
  if (rated) dom.ratingDone.textContent = `Спасибо за оценку! Вы поставили ${state.rating} из 5.`;
  if (statusChanged && resolved && !rated) {
    state.ratingChoice = 0;
    dom.ratingComment.value = "";
    dom.ratingError.hidden = true;
    paintStars(0);
    if (state.historyLoaded) requestAnimationFrame(scrollToBottom);
  }
}

function paintStars(value) {
  for (const star of dom.ratingStars.querySelectorAll("[data-value]")) {
    const n = Number(star.dataset.value);
    star.setAttribute("aria-pressed", String(n === value));
    star.classList.toggle("is-on", n <= value);
  }
}

async function submitRating(event) {
  event.preventDefault();
  const id = state.currentId;
  if (!id) return;
  if (!state.ratingChoice) {
    dom.ratingError.textContent = "Выберите оценку: от 1 до 5 звёзд.";
    dom.ratingError.hidden = false;
    return;
  }
  dom.ratingSubmit.disabled = true;
  try {
    const result = await api.rate(id, state.ratingChoice, dom.ratingComment.value.trim());
    if (state.currentId !== id) return;
    state.rating = result?.rating ?? state.ratingChoice;
    dom.ratingError.hidden = true;
    renderRating(false);
    dom.ratingDone.scrollIntoView({ block: "nearest" });
  } catch (error) {
    if (error?.handled) return;
    dom.ratingError.textContent =
      error?.status === 409
        ? "Этот разговор уже не закрыт — оценить его пока нельзя."
        : describeError(error, "rating");
    dom.ratingError.hidden = false;
  } finally {
    dom.ratingSubmit.disabled = false;
  }
}

function showOperatorTyping() {
  clearTimeout(state.operatorTyping);
  state.operatorTyping = setTimeout(hideOperatorTyping, TYPING_SHOWN_MS);
  const stick = nearBottom();
  updateChrome();
  if (stick) scrollToBottom();
}

function hideOperatorTyping() {
  if (state.operatorTyping === null) return;
  clearTimeout(state.operatorTyping);
  state.operatorTyping = null;
  updateChrome();
}

const sendTyping = throttle(() => state.live?.send({ type: "typing" }), TYPING_SEND_MS);

async function sendFeedback(button) {
  const row = button.closest("li[data-id]");
  if (!row) return;
  const value = Number(button.dataset.value);
  if (button.getAttribute("aria-pressed") === "true") return; // already chosen; 👎 ↔ 👍 changes it
  const group = button.closest(".msg-feedback");
  for (const b of group.querySelectorAll("button")) b.disabled = true;
  try {
    await api.feedback(row.dataset.id, value);
    setFeedback(row, value);
    group.dataset.thanks = value > 0 ? "Спасибо!" : "Спасибо, учтём.";
  } catch (error) {
    report(error, "feedback");
  } finally {
    for (const b of group.querySelectorAll("button")) b.disabled = false;
  }
}

async function loadEarlier() {
  if (!state.currentId || state.oldestId === null) return;
  const seq = state.historySeq;
  dom.loadEarlier.disabled = true;
  try {
    const items =
      (await api.history(state.currentId, { limit: PAGE_SIZE, beforeId: state.oldestId })) ?? [];
    if (seq !== state.historySeq) return;
    const before = dom.scroller.scrollHeight;
    for (const m of items) renderMessage(m);
    dom.scroller.scrollTop += dom.scroller.scrollHeight - before;
    if (items.length) state.oldestId = items[0].id;
    dom.loadEarlier.hidden = items.length < PAGE_SIZE;
  } catch (error) {
    report(error, "history");
  } finally {
    dom.loadEarlier.disabled = false;
  }
}

async function newSession() {
  try {
    const session = await api.createSession();
    setError(null);
    await refreshSessions().catch(() => {});
    if (!state.sessions.some((s) => s.id === session.id)) {
      state.sessions.unshift({ id: session.id, created_date: session.created_date, title: null });
    }
    closeDrawer(false);
    await openSession(session.id);
    dom.input.focus();
  } catch (error) {
    report(error, "new-session");
  }
}

async function clearHistory() {
  const id = state.currentId;
  if (!id) return;
  try {
    await api.clearHistory(id);
    if (state.currentId !== id) return;
    setError(null);
    dom.messages.replaceChildren();
    dom.loadEarlier.hidden = true;
    state.oldestId = null;
    renderSuggestions([]);
    updateChrome();
    refreshSessions().catch((error) => report(error, "sessions"));
    dom.input.focus();
  } catch (error) {
    report(error, "clear");
  }
}

/* ---------- chat: messages ---------- */

function renderSuggestions(list) {
  const items = Array.isArray(list) ? list.filter((s) => typeof s === "string" && s.trim()) : [];
  dom.suggestions.replaceChildren(...items.map(suggestionNode));
  dom.suggestions.hidden = items.length === 0;
}

/** Welcome line, starter suggestions and the typing indicator follow the chat's state. */
function updateChrome() {
  const empty = dom.messages.childElementCount === 0;
  const showWelcome = state.historyLoaded && empty && !state.pending;
  dom.welcome.hidden = !showWelcome;
  if (showWelcome && dom.suggestions.hidden) renderSuggestions(STARTERS);
  if (!empty && dom.suggestions.dataset.starters === "1") renderSuggestions([]);
  dom.suggestions.dataset.starters = showWelcome ? "1" : "";
  const botTyping =
    state.pending && state.pending.sessionId === state.currentId && !humanMode();
  const operatorTyping = state.operatorTyping !== null && !botTyping;
  dom.typing.hidden = !(botTyping || operatorTyping);
  dom.typing.dataset.who = operatorTyping ? "operator" : "bot";
  dom.typingText.textContent = operatorTyping ? "Оператор печатает…" : "Бот печатает…";
  dom.clearHistory.disabled = !state.currentId;
}

function scrollToBottom() {
  dom.scroller.scrollTop = dom.scroller.scrollHeight;
}

function updateCharCount() {
  const length = dom.input.value.length;
  dom.charCount.hidden = length < MAX_LENGTH - 200;
  dom.charCount.textContent = `${length} / ${MAX_LENGTH}`;
}

function restoreText(text) {
  const current = dom.input.value;
  dom.input.value = current.trim() ? `${text}\n${current}` : text;
  updateCharCount();
}

function restoreDraft() {
  try {
    const draft = sessionStorage.getItem(DRAFT_KEY);
    if (draft && !dom.input.value) restoreText(draft);
    sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    /* storage disabled */
  }
}

function saveDraft(text) {
  try {
    sessionStorage.setItem(DRAFT_KEY, text);
  } catch {
    /* storage disabled */
  }
}

async function send(rawText) {
  const text = rawText.trim();
  if (!text) {
    dom.input.focus();
    return;
  }
  if (text.length > MAX_LENGTH) {
    setError(`Сообщение слишком длинное: не больше ${MAX_LENGTH} символов.`);
    return;
  }
  if (state.pending || state.sending) return;
  state.sending = true;
  const typed = rawText === dom.input.value ? rawText : null;
  try {
    await state.ready; // never mix a new message into a history that is still loading
    if (state.view === "chat") await deliver(text, typed !== null && dom.input.value === typed);
  } finally {
    state.sending = false;
  }
}

async function deliver(text, fromInput) {
  const previousSuggestions = [...dom.suggestions.children].map((b) => b.textContent);
  if (fromInput) {
    dom.input.value = "";
    updateCharCount();
  }
  const node = messageNode({ sender: "user", text });
  node.classList.add("msg--pending");
  const openedId = state.currentId;
  state.pending = { sessionId: openedId, node };
  setError(null);
  renderSuggestions([]);
  dom.messages.append(node);
  updateChrome();
  scrollToBottom();

  const started = performance.now();
  try {
    if (!state.pending.sessionId) {
      // No chat yet (the list failed to load earlier): start one now.
      const session = await api.createSession();
      state.pending.sessionId = session.id;
      state.currentId = session.id;
      rememberSession(session.id);
    }
    const sessionId = state.pending.sessionId;
    const reply = await api.sendMessage(sessionId, text);
    const wait = MIN_TYPING_MS - (performance.now() - started);
    if (wait > 0) await sleep(wait);
    node.classList.remove("msg--pending");
    state.pending = null;
    if (state.currentId === sessionId && node.isConnected) {
      if (reply?.message_id !== undefined && reply?.message_id !== null) {
        if (messageRow(reply.message_id)) node.remove(); // the live copy is already shown
        else node.dataset.id = String(reply.message_id);
        noteId(reply.message_id);
      }
      if (typeof reply?.answer === "string" && reply.answer_id !== null) {
        renderMessage({
          id: reply.answer_id,
          sender_type: "bot",
          text: reply.answer,
          sent_at: new Date().toISOString(),
          feedback: null,
        });
      }
      renderSuggestions(reply?.suggestions);
    }
    if (state.view === "chat") refreshSessions().catch((error) => report(error, "sessions"));
  } catch (error) {
    state.pending = null;
    node.remove();
    if (error?.handled) {
      saveDraft(text); // the login form took over; the text comes back after login
    } else {
      restoreText(text);
      if (state.currentId === openedId) renderSuggestions(previousSuggestions);
      report(error, "send");
      dom.input.focus();
    }
  } finally {
    state.pending = null;
    if (state.view === "chat") {
      flushLive();
      updateChrome();
      scrollToBottom();
    }
  }
}

/* ---------- mobile sidebar ---------- */

/** While the drawer is open, the page behind it takes no focus or clicks. */
function setBehindDrawerInert(inert) {
  for (const node of [dom.topbar, dom.chatMain]) node.inert = inert;
}

function openDrawer() {
  dom.app.classList.add("drawer-open");
  dom.menuToggle.setAttribute("aria-expanded", "true");
  dom.backdrop.hidden = false;
  setBehindDrawerInert(true);
  const current = dom.sessionList.querySelector('[aria-current="true"]');
  (current ?? dom.newSession).focus();
}

function closeDrawer(returnFocus = true) {
  if (!dom.app.classList.contains("drawer-open")) return;
  dom.app.classList.remove("drawer-open");
  dom.menuToggle.setAttribute("aria-expanded", "false");
  dom.backdrop.hidden = true;
  setBehindDrawerInert(false);
  if (returnFocus && dom.sidebar.contains(document.activeElement)) dom.menuToggle.focus();
}

/* ---------- wiring ---------- */

dom.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  send(dom.input.value);
});

dom.input.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.isComposing) return;
  if (event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
  event.preventDefault(); // Enter sends; Shift+Enter makes a new line
  dom.composer.requestSubmit();
});

dom.input.addEventListener("input", () => {
  updateCharCount();
  if (humanMode() && dom.input.value.trim()) sendTyping();
});

dom.messages.addEventListener("click", (event) => {
  const button = event.target.closest(".feedback-btn");
  if (button) sendFeedback(button);
});

dom.ratingStars.addEventListener("click", (event) => {
  const star = event.target.closest("[data-value]");
  if (!star) return;
  state.ratingChoice = Number(star.dataset.value);
  dom.ratingError.hidden = true;
  paintStars(state.ratingChoice);
});
dom.rating.addEventListener("submit", submitRating);

dom.suggestions.addEventListener("click", (event) => {
  const button = event.target.closest('[data-testid="suggestion"]');
  if (button) {
    send(button.textContent);
    dom.input.focus();
  }
});

dom.sessionList.addEventListener("click", (event) => {
  const button = event.target.closest("[data-session-id]");
  if (!button) return;
  const id = button.dataset.sessionId;
  closeDrawer(false);
  if (id !== state.currentId) openSession(id);
  dom.input.focus();
});

dom.newSession.addEventListener("click", newSession);
dom.clearHistory.addEventListener("click", clearHistory);
dom.loadEarlier.addEventListener("click", loadEarlier);

dom.logout.addEventListener("click", () => {
  tokenStore.clear();
  showLogin(null);
});

dom.menuToggle.addEventListener("click", () => {
  if (dom.app.classList.contains("drawer-open")) closeDrawer();
  else openDrawer();
});
dom.backdrop.addEventListener("click", () => closeDrawer());
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && dom.app.classList.contains("drawer-open")) closeDrawer();
});
mobile.addEventListener("change", () => closeDrawer(false));

/* ---------- start ---------- */

async function boot() {
  if (!tokenStore.get()) {
    showLogin(null);
    return;
  }
  try {
    await enterChat();
  } catch (error) {
    if (error?.handled) return; // onUnauthorized showed the login form
    showLogin(null);
    report(error, "sessions");
  }
}

boot();
