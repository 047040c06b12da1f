// On a phone the sidebar is a drawer behind the menu button. While it is open, the page
// behind it takes no focus or clicks; Escape, the backdrop or the button close it.

import { $ } from "/static/common/ui.js";

const dom = {
  app: $("app"),
  menuToggle: $("menu-toggle"),
  sidebar: $("sidebar"),
  backdrop: $("backdrop"),
  sessionList: $("session-list"),
  newSession: $("new-session"),
  behind: [document.querySelector(".topbar"), document.querySelector(".chat")],
};
const mobile = window.matchMedia("(max-width: 767.98px)");

const isOpen = () => dom.app.classList.contains("drawer-open");

function setBehindDrawerInert(inert) {
  for (const node of dom.behind) node.inert = inert;
}

/** The menu button shows only with the chat. */
export function showMenuButton(shown) {
  dom.menuToggle.hidden = !shown;
}

function openDrawer() {
  dom.app.classList.add("drawer-open");
  dom.menuToggle.setAttribute("aria-expanded", "true");
  dom.backdrop.hidden = false;
  setBehindDrawerInert(true);
  const current = dom.sessionList.querySelector('[aria-current="true"]');
  (current ?? dom.newSession).focus();
}

export function closeDrawer(returnFocus = true) {
  if (!isOpen()) return;
  dom.app.classList.remove("drawer-open");
  dom.menuToggle.setAttribute("aria-expanded", "false");
  dom.backdrop.hidden = true;
  setBehindDrawerInert(false);
  if (returnFocus && dom.sidebar.contains(document.activeElement)) dom.menuToggle.focus();
}

dom.menuToggle.addEventListener("click", () => {
  if (isOpen()) closeDrawer();
  else openDrawer();
});
dom.backdrop.addEventListener("click", () => closeDrawer());
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && isOpen()) closeDrawer();
});
mobile.addEventListener("change", () => closeDrawer(false));
