// Rating a conversation that an operator resolved: 1–5 stars and an optional comment. The
// stars are a radio group: one tab stop, arrow keys change the choice.

import { announce } from "/static/common/announce.js";
import { api } from "/static/common/api.js";
import { describeError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { scrollToBottom } from "/static/chat/messages.js";
import { openChat } from "/static/chat/state.js";

const dom = {
  form: $("rating"),
  stars: $("rating-stars"),
  comment: $("rating-comment"),
  submit: $("rating-submit"),
  error: $("rating-error"),
  done: $("rating-done"),
};
let rating = null; // the open chat's rating, once given
let choice = 0; // the stars picked in the form

/** The open chat's rating as the server knows it (null: not rated). */
export function setRating(value) {
  rating = value;
}

/** Show the form for a resolved, unrated chat, the thanks for a rated one, else nothing. */
export function renderRating(statusChanged) {
  const resolved = openChat.status === "resolved";
  const rated = resolved && rating !== null;
  dom.form.hidden = !resolved || rated;
  dom.done.hidden = !rated;
  if (rated) dom.done.textContent = `Спасибо за оценку! Вы поставили ${rating} из 5.`;
  if (statusChanged && resolved && !rated) {
    choice = 0;
    dom.comment.value = "";
    dom.error.hidden = true;
    paintStars(0);
    if (openChat.loaded) requestAnimationFrame(scrollToBottom);
  }
}

function paintStars(value) {
  for (const star of dom.stars.querySelectorAll("[data-value]")) {
    const n = Number(star.dataset.value);
    star.setAttribute("aria-checked", String(n === value));
    star.tabIndex = n === (value || 1) ? 0 : -1;
    star.classList.toggle("is-on", n <= value);
  }
}

function choose(value, focus = false) {
  choice = value;
  dom.error.hidden = true;
  paintStars(choice);
  if (focus) dom.stars.querySelector(`[data-value="${value}"]`)?.focus();
}

async function submitRating(event) {
  event.preventDefault();
  const id = openChat.id;
  if (!id) return;
  if (!choice) {
    dom.error.textContent = "Выберите оценку: от 1 до 5 звёзд.";
    dom.error.hidden = false;
    return;
  }
  dom.submit.disabled = true;
  try {
    const result = await api.rate(id, choice, dom.comment.value.trim());
    if (openChat.id !== id) return;
    rating = result?.rating ?? choice;
    dom.error.hidden = true;
    renderRating(false);
    announce(dom.done.textContent);
    dom.done.scrollIntoView({ block: "nearest" });
  } catch (error) {
    if (error?.handled) return;
    dom.error.textContent =
      error?.status === 409
        ? "Этот разговор уже не закрыт — оценить его пока нельзя."
        : describeError(error, "rating");
    dom.error.hidden = false;
  } finally {
    dom.submit.disabled = false;
  }
}

dom.stars.addEventListener("click", (event) => {
  const star = event.target.closest("[data-value]");
  if (star) choose(Number(star.dataset.value));
});
dom.stars.addEventListener("keydown", (event) => {
  const steps = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
  const current = Number(event.target.closest("[data-value]")?.dataset.value) || choice || 1;
  let next = null;
  if (event.key in steps) next = ((current - 1 + steps[event.key] + 5) % 5) + 1;
  if (event.key === "Home") next = 1;
  if (event.key === "End") next = 5;
  if (next === null) return;
  event.preventDefault();
  choose(next, true);
});
dom.form.addEventListener("submit", submitRating);
