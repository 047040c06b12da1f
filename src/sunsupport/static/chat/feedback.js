// 👍/👎 under the bot's answers: drawn with the answer, sent when pressed, kept on reload.
// The pair is one tab stop (roving tabindex: the arrows move between 👍 and 👎), so
// answers do not pile up tab stops between the chat list and the composer.

import { announce } from "/static/common/announce.js";
import { api } from "/static/common/api.js";
import { report } from "/static/common/errors.js";
import { thumbIcon } from "/static/common/icons.js";
import { $, el } from "/static/common/ui.js";

/** 👍/👎 toggle buttons under a bot answer; `value` is 1, -1 or null. */
export function feedbackNode(value) {
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
  group.append(up, down, el("span", { className: "feedback-thanks" }));
  setFeedback(group, value);
  return group;
}

/** Reflect `value` (1, -1 or null) in a message row's 👍/👎 buttons; the chosen one (or
 * 👍) is the pair's tab stop. */
export function setFeedback(container, value) {
  for (const button of container.querySelectorAll(".feedback-btn")) {
    const chosen = Number(button.dataset.value) === value;
    button.setAttribute("aria-pressed", String(chosen));
    const stop = value === null || value === undefined ? button.dataset.value === "1" : chosen;
    if (!button.closest(".msg-feedback").contains(document.activeElement)) button.tabIndex = stop ? 0 : -1;
  }
}

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
    const thanks = value > 0 ? "Спасибо!" : "Спасибо, учтём.";
    group.querySelector(".feedback-thanks").textContent = thanks;
    announce(thanks);
  } catch (error) {
    report(error, "feedback");
  } finally {
    for (const b of group.querySelectorAll("button")) b.disabled = false;
  }
}

$("message-list").addEventListener("click", (event) => {
  const button = event.target.closest(".feedback-btn");
  if (button) sendFeedback(button);
});

// Arrow keys move between 👍 and 👎 (and carry the tab stop along).
$("message-list").addEventListener("keydown", (event) => {
  const button = event.target.closest?.(".feedback-btn");
  if (!button || !["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(event.key)) return;
  event.preventDefault();
  const buttons = [...button.closest(".msg-feedback").querySelectorAll(".feedback-btn")];
  const i = buttons.indexOf(button);
  let next = i;
  if (event.key === "Home") next = 0;
  else if (event.key === "End") next = buttons.length - 1;
  else next = (i + (event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length;
  for (const b of buttons) b.tabIndex = b === buttons[next] ? 0 : -1;
  buttons[next].focus();
});
