// 👍/👎 under the bot's answers: drawn with the answer, sent when pressed, kept on reload.

import { api } from "/static/common/api.js";
import { report } from "/static/common/errors.js";
import { $, el, svg } from "/static/common/ui.js";

const THUMB =
  "M7 10v11H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3zm0 0l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8.5a2 2 0 0 1-2 1.7H7";

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
  group.append(up, down);
  setFeedback(group, value);
  return group;
}

/** A thumbs-up drawn in SVG (emoji fonts are not everywhere); `down` turns it over. */
function thumbIcon(down) {
  const icon = svg("svg", {
    viewBox: "0 0 24 24",
    class: down ? "icon thumb thumb--down" : "icon thumb",
    "aria-hidden": "true",
    focusable: "false",
  });
  icon.append(svg("path", { d: THUMB }));
  return icon;
}

/** Reflect `value` (1, -1 or null) in a message row's 👍/👎 buttons. */
export function setFeedback(container, value) {
  for (const button of container.querySelectorAll(".feedback-btn")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.value) === value));
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
    group.dataset.thanks = value > 0 ? "Спасибо!" : "Спасибо, учтём.";
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
