// What surrounds the open chat's messages follows its state: the welcome line (with the
// starter questions), the typing indicator (the bot's while it answers, the operator's while
// they type) and the clear-history button.

import { isHumanStatus } from "/static/common/status.js";
import { $ } from "/static/common/ui.js";
import { hasMessages, nearBottom, scrollToBottom } from "/static/chat/messages.js";
import { openChat } from "/static/chat/state.js";
import { followWelcome } from "/static/chat/suggestions.js";

const TYPING_SHOWN_MS = 4000; // an operator's typing event keeps the indicator this long

const dom = {
  welcome: $("welcome"),
  typing: $("typing"),
  typingText: document.querySelector("#typing .typing-text"),
  clearHistory: $("clear-history"),
};
let operatorTyping = null; // timer while the operator's typing indicator shows

export function updateChrome() {
  const empty = !hasMessages();
  const showWelcome = openChat.loaded && empty && !openChat.pending;
  dom.welcome.hidden = !showWelcome;
  followWelcome(showWelcome, empty);
  const botTyping =
    openChat.pending && openChat.pending.sessionId === openChat.id && !isHumanStatus(openChat.status);
  const operatorNow = operatorTyping !== null && !botTyping;
  dom.typing.hidden = !(botTyping || operatorNow);
  dom.typing.dataset.who = operatorNow ? "operator" : "bot";
  dom.typingText.textContent = operatorNow ? "Оператор печатает…" : "Бот печатает…";
  dom.clearHistory.disabled = !openChat.id;
}

export function showOperatorTyping() {
  clearTimeout(operatorTyping);
  operatorTyping = setTimeout(hideOperatorTyping, TYPING_SHOWN_MS);
  const stick = nearBottom();
  updateChrome();
  if (stick) scrollToBottom();
}

export function hideOperatorTyping() {
  if (operatorTyping === null) return;
  clearTimeout(operatorTyping);
  operatorTyping = null;
  updateChrome();
}
