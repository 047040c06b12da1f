// Canned replies in the composer: "/" and the start of a shortcut list the matching replies
// above the box; arrows pick one, Tab or Enter puts its text in place of "/word", Escape
// closes the list. A shortcut typed in full completes with Tab even before the list loads.

import { api } from "/static/common/api.js";
import { $, el } from "/static/common/ui.js";

const MAX_AGE_MS = 10_000; // reload the replies when older than this
const MAX_SHOWN = 8;

const input = $("operator-input");
const list = $("canned-list");
let items = [];
let loadedAt = 0;
let matches = [];
let active = 0;

export async function loadCanned() {
  items = (await api.canned()) ?? [];
  loadedAt = Date.now();
}

/** The "/word" just before the caret, if any: { start, end, query }. */
export function slashToken() {
  const value = input.value;
  const end = input.selectionEnd ?? value.length;
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
  matches = items.filter((c) => c.shortcut.toLowerCase().startsWith(token.query)).slice(0, MAX_SHOWN);
  if (!matches.length) {
    closeCanned();
    return;
  }
  active = Math.min(active, matches.length - 1);
  list.replaceChildren(
    ...matches.map((c, i) => {
      const option = el("li", {
        className: "canned-option",
        attrs: {
          role: "option",
          id: `canned-${c.id}`,
          "data-testid": "canned-option",
          "data-index": String(i),
          "aria-selected": String(i === active),
        },
      });
      option.append(
        el("span", { className: "canned-shortcut", text: `/${c.shortcut}` }),
        el("span", { className: "canned-text", text: c.text }),
      );
      return option;
    }),
  );
  list.hidden = false;
  // A textarea cannot carry aria-expanded (it is no combobox); the active option is named
  // through aria-activedescendant, which a textbox may have.
  input.setAttribute("aria-activedescendant", `canned-${matches[active].id}`);
}

export function closeCanned() {
  matches = [];
  active = 0;
  list.hidden = true;
  list.replaceChildren();
  input.removeAttribute("aria-activedescendant");
}

function applyCanned(index) {
  const choice = matches[index];
  const token = slashToken();
  if (!choice || !token) return;
  const value = input.value;
  input.value = value.slice(0, token.start) + choice.text + value.slice(token.end);
  const caret = token.start + choice.text.length;
  input.setSelectionRange(caret, caret);
  closeCanned();
  input.focus();
}

/** After each edit of the box: the matches of the "/word" at the caret (fresh replies). */
export function onCannedInput() {
  if (slashToken() && Date.now() - loadedAt > MAX_AGE_MS) {
    loadCanned().then(renderCanned).catch(() => {});
  }
  active = 0;
  renderCanned();
}

/** The list's keys; returns true when the key was the list's (the composer ignores it). */
export function onCannedKey(event) {
  if (!list.hidden && matches.length > 0) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const n = matches.length;
      active = (active + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
      renderCanned();
      return true;
    }
    if (event.key === "Tab" || event.key === "Enter") {
      event.preventDefault();
      applyCanned(active);
      return true;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      closeCanned();
      return true;
    }
  }
  if (event.key === "Tab" && !event.shiftKey && slashToken()) {
    // A shortcut typed in full before the list loaded.
    const token = slashToken();
    const exact = items.find((c) => c.shortcut.toLowerCase() === token.query);
    if (exact) {
      event.preventDefault();
      matches = [exact];
      applyCanned(0);
    }
    return true;
  }
  return false;
}

input.addEventListener("blur", () => {
  // Let a click on an option land first.
  setTimeout(() => {
    if (document.activeElement !== input) closeCanned();
  }, 150);
});

list.addEventListener("pointerdown", (event) => event.preventDefault()); // keep focus
list.addEventListener("click", (event) => {
  const option = event.target.closest("[data-index]");
  if (option) applyCanned(Number(option.dataset.index));
});
