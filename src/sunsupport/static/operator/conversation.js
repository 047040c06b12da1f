// The open conversation: its messages, who has it, and claim / release / resolve. Opened
// from the queue or by a link (/operator#session=<id>, the admin page's inbox links).

import { announce } from "/static/common/announce.js";
import { api } from "/static/common/api.js";
import { currentUser } from "/static/common/auth.js";
import { clearError, setError } from "/static/common/errors.js";
import { insertInOrder, messageRow, spokenMessage, storedMessageNode } from "/static/common/messages.js";
import { staffStatusText } from "/static/common/status.js";
import { $, el, nearBottom, scrollToBottom as scrollDown } from "/static/common/ui.js";
import { closeCanned } from "/static/operator/canned.js";
import { report, TAKEN } from "/static/operator/errors.js";
import { applySession, focusSelected, markSelected, queueItem } from "/static/operator/queue.js";
import { renderCustomer } from "/static/operator/customer.js";

const LABELS = { user: "Клиент", bot: "Бот", operator: "Оператор", system: "" };
const WITHDRAWN = {
  cleared: "Клиент очистил историю чата: обращение отозвано.",
  deleted: "Клиент удалил этот чат: обращение отозвано.",
};
const HISTORY_LIMIT = 500;
const TYPING_SHOWN_MS = 4000;

const dom = {
  app: $("app"),
  empty: $("conv-empty"),
  conv: $("conv"),
  back: $("conv-back"),
  title: $("conv-title"),
  user: $("conv-user"),
  status: $("conv-status"),
  claim: $("claim"),
  release: $("release"),
  resolve: $("resolve"),
  scroller: $("conv-scroller"),
  messages: $("conv-messages"),
  typing: $("conv-typing"),
  input: $("operator-input"),
  send: $("operator-send"),
};

let selectedId = null;
let selected = null; // the open conversation's session payload
let withdrawn = null; // "cleared" | "deleted" once the client took the open conversation back
let takenByOther = false;
let loadSeq = 0;
let typingTimer = null;

/** The open conversation's id, or null. */
export function openId() {
  return selectedId;
}

/** Whether I may answer: the conversation is open and mine (an admin may answer any). */
export function isMine() {
  const s = selected;
  const me = currentUser();
  return Boolean(s && s.status === "open" && (s.assignee_id === me?.id || me?.role === "admin"));
}

function assignedElsewhere(session) {
  return session.status === "open" && session.assignee_id !== currentUser()?.id;
}

export async function select(id) {
  const seq = ++loadSeq;
  selectedId = id;
  selected = queueItem(id) ?? { id };
  takenByOther = false;
  withdrawn = null;
  hideTyping();
  closeCanned();
  setError(null);
  markSelected(id);
  dom.empty.hidden = true;
  dom.conv.hidden = false;
  dom.app.classList.add("conv-open");
  dom.messages.replaceChildren();
  renderChrome();
  if (location.hash !== `#session=${encodeURIComponent(id)}`) {
    history.replaceState(null, "", `#session=${encodeURIComponent(id)}`);
  }
  dom.messages.setAttribute("aria-busy", "true");
  try {
    const [detail, items] = await Promise.all([
      api.sessionDetail(id),
      api.history(id, { limit: HISTORY_LIMIT }),
    ]);
    if (seq !== loadSeq) return;
    selected = { ...(queueItem(id) ?? {}), ...detail };
    takenByOther = assignedElsewhere(detail);
    for (const m of items ?? []) renderMessage(m);
    renderChrome();
    scrollToBottom();
  } catch (error) {
    if (seq !== loadSeq) return;
    report(error, "history");
  } finally {
    if (seq === loadSeq) dom.messages.setAttribute("aria-busy", "false");
  }
}

/** Signed out: no conversation open. */
export function closeConversation() {
  selectedId = null;
  selected = null;
  loadSeq += 1;
  dom.messages.replaceChildren();
  dom.conv.hidden = true;
  dom.empty.hidden = false;
  dom.app.classList.remove("conv-open");
}

/** Title, client, status line, the buttons that apply, and whether the composer is mine. */
export function renderChrome() {
  const s = selected ?? {};
  const item = queueItem(selectedId);
  dom.title.textContent = s.title?.trim() || "Без темы";
  renderCustomer(dom.user, item, s.username ?? `клиент №${s.user_id ?? "?"}`);
  dom.status.textContent = staffStatusText(s, takenByOther);
  dom.conv.dataset.status = s.status ?? "";
  dom.claim.hidden = s.status !== "pending_human" || withdrawn !== null;
  const mine = isMine() && withdrawn === null;
  dom.release.hidden = !mine;
  dom.resolve.hidden = !(mine || (s.status === "pending_human" && withdrawn === null));
  dom.input.disabled = !mine;
  dom.send.disabled = !mine;
  if (withdrawn) dom.status.textContent = "обращение отозвано клиентом";
  dom.input.placeholder = mine
    ? "Ответ клиенту… («/» — шаблоны)"
    : withdrawn
      ? "Клиент отозвал обращение"
      : s.status === "pending_human"
        ? "Возьмите разговор, чтобы ответить"
        : "Отвечать можно только в своём открытом разговоре";
}

/** The client cleared or deleted a conversation that was waiting for or with an operator:
 * it leaves the queue; if it is open here, the console says so and stops answering. */
export function withdraw(sessionId, reason) {
  applySession({ id: sessionId, status: "bot", assignee_id: null });
  if (sessionId !== selectedId) return;
  withdrawn = reason === "deleted" ? "deleted" : "cleared";
  dom.messages.replaceChildren(); // what the client took back is gone
  selected = { ...(selected ?? {}), status: "bot", assignee_id: null };
  hideTyping();
  closeCanned();
  setError(WITHDRAWN[withdrawn], "withdrawn");
  announce(WITHDRAWN[withdrawn]);
  renderChrome();
}

/** A conversation changed (live, or the answer to my action): the queue and, if open, here. */
export function adoptSession(session) {
  if (!session?.id) return;
  applySession(session);
  if (session.id !== selectedId) return;
  if (withdrawn && (session.status === "pending_human" || session.status === "open")) {
    withdrawn = null; // the client asked again
    clearError("withdrawn");
  }
  const mine = session.assignee_id === currentUser()?.id;
  const takenNow = session.status === "open" && !mine && selected?.status !== "open";
  selected = { ...(selected ?? {}), ...session };
  takenByOther = session.status === "open" && !mine;
  if (takenNow && currentUser()?.role !== "admin") setError(TAKEN);
  renderChrome();
}

export function renderMessage(m) {
  if (m?.id === undefined || m.id === null || messageRow(dom.messages, m.id)) return false;
  const node = storedMessageNode(m, LABELS);
  if (m.suggestions?.length) node.append(offeredNode(m.suggestions));
  insertInOrder(dom.messages, node, m.id);
  return true;
}

/** The quick replies the customer was offered under a bot answer (not buttons here). */
function offeredNode(suggestions) {
  return el("div", {
    className: "msg-offered",
    text: `Варианты: ${suggestions.join(" · ")}`,
    attrs: { "data-testid": "offered" },
  });
}

export function scrollToBottom() {
  scrollDown(dom.scroller);
}

/** A message of the open conversation from the live channel. */
export function showLiveMessage(message) {
  const stick = nearBottom(dom.scroller);
  if (message.sender_type === "user") hideTyping();
  const shown = renderMessage(message);
  // Said once: the client's words and notes; not my own replies.
  if (shown && message.sender_type !== "operator") announce(spokenMessage(message, LABELS));
  if (stick || message.sender_type === "operator") scrollToBottom();
}

export function showTyping() {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, TYPING_SHOWN_MS);
  const stick = nearBottom(dom.scroller);
  dom.typing.hidden = false;
  if (stick) scrollToBottom();
}

function hideTyping() {
  clearTimeout(typingTimer);
  typingTimer = null;
  dom.typing.hidden = true;
}

/** Run an action on the open conversation and adopt the session it returns. */
async function act(button, action, call) {
  const id = selectedId;
  if (!id) return;
  button.disabled = true;
  setError(null);
  try {
    const session = await call(id);
    if (id !== selectedId) return;
    adoptSession(session);
    return session;
  } catch (error) {
    if (id !== selectedId) return;
    report(error, action);
    if (error?.status === 409 || error?.status === 403) {
      // Someone else moved it: show the truth.
      api.sessionDetail(id).then((detail) => {
        if (id !== selectedId) return;
        selected = { ...selected, ...detail };
        takenByOther = assignedElsewhere(detail);
        renderChrome();
      }).catch(() => {});
    }
  } finally {
    button.disabled = false;
    renderChrome();
  }
}

dom.claim.addEventListener("click", async () => {
  const session = await act(dom.claim, "claim", api.claim);
  if (session) dom.input.focus();
});
dom.release.addEventListener("click", () => act(dom.release, "release", api.release));
dom.resolve.addEventListener("click", () => act(dom.resolve, "resolve", api.resolve));

dom.back.addEventListener("click", () => {
  dom.app.classList.remove("conv-open");
  focusSelected();
});
