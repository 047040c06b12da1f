// Rating a conversation that an operator resolved: 1–5 stars and an optional comment.

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
    star.setAttribute("aria-pressed", String(n === value));
    star.classList.toggle("is-on", n <= value);
  }
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
  if (!star) return;
  choice = Number(star.dataset.value);
  dom.error.hidden = true;
  paintStars(choice);
});
dom.form.addEventListener("submit", submitRating);
