// Quick replies under the bot's answer, and the starter questions of an empty chat.

import { $, el } from "/static/common/ui.js";

const STARTERS = ["Когда будет солнце?", "Какая погода на Солнце?", "Почему ночью нет солнца?"];
const box = $("suggestions");
let picked = () => {};

function suggestionNode(text) {
  return el("button", {
    className: "suggestion",
    text,
    attrs: { type: "button", "data-testid": "suggestion" },
  });
}

export function renderSuggestions(list) {
  const items = Array.isArray(list) ? list.filter((s) => typeof s === "string" && s.trim()) : [];
  box.replaceChildren(...items.map(suggestionNode));
  box.hidden = items.length === 0;
}

/** The texts on screen now. */
export function shownSuggestions() {
  return [...box.children].map((b) => b.textContent);
}

/** The starter questions come with the welcome line and go with the first message. */
export function followWelcome(welcomeShown, empty) {
  if (welcomeShown && box.hidden) renderSuggestions(STARTERS);
  if (!empty && box.dataset.starters === "1") renderSuggestions([]);
  box.dataset.starters = welcomeShown ? "1" : "";
}

/** `handler(text)` runs when a suggestion is pressed. */
export function onSuggestionPicked(handler) {
  picked = handler;
}

box.addEventListener("click", (event) => {
  const button = event.target.closest('[data-testid="suggestion"]');
  if (button) picked(button.textContent);
});
