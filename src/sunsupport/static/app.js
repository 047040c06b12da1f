// "Солнце · техподдержка": the single-page chat client.
// Plain ES modules, no build step, nothing loaded from other hosts.

import { api, ApiError, onUnauthorized, tokenStore } from "/static/api.js";
import { describeError, SESSION_EXPIRED, validateCredentials } from "/static/messages.js";
import { $, messageNode, sessionNode, suggestionNode } from "/static/ui.js";

const PAGE_SIZE = 100; // history page; a full page means there may be earlier messages
const MAX_LENGTH = 2000; // server limit for one message
const MIN_TYPING_MS = 500; // the typing feel is the page's job: the server answers at once
const LAST_SESSION_KEY = "sunsupport.lastSession"; // + ":" + user id
const DRAFT_KEY = "sunsupport.draft"; // text typed when the token expired mid-send
const STARTERS = ["Когда будет солнце?", "Какая погода на Солнце?", "Почему ночью нет солнца?"];

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
  rememberSession(id);
  renderSessions();
  dom.messages.replaceChildren();
  dom.loadEarlier.hidden = true;
  renderSuggestions([]);
  updateChrome();
  dom.messages.setAttribute("aria-busy", "true");
  try {
    const items = (await api.history(id, { limit: PAGE_SIZE })) ?? [];
    if (seq !== state.historySeq) return;
    dom.messages.append(...items.map(toNode));
    state.oldestId = items[0]?.id ?? null;
    dom.loadEarlier.hidden = items.length < PAGE_SIZE;
    state.historyLoaded = true;
    setError(null);
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
  return messageNode({ id: m.id, sender: m.sender_type, text: m.text, sentAt: m.sent_at });
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
    dom.messages.prepend(...items.map(toNode));
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
  dom.typing.hidden = !(state.pending && state.pending.sessionId === state.currentId);
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
    if (reply?.message_id !== undefined) node.dataset.id = String(reply.message_id);
    state.pending = null;
    if (state.currentId === sessionId && node.isConnected) {
      if (typeof reply?.answer === "string") {
        dom.messages.append(
          messageNode({ id: reply.answer_id, sender: "bot", text: reply.answer }),
        );
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

dom.input.addEventListener("input", updateCharCount);

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
