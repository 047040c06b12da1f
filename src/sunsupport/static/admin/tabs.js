// The admin page's tabs («Не понял», templates, statistics): arrow keys, Home and End move
// between them; the open tab is kept in the address (#canned) for a reload or a link.

import { $ } from "/static/common/ui.js";
import { clearMessages } from "/static/admin/report.js";

const tabs = [...document.querySelectorAll("[role=tab]")];
const shown = new Map(); // tab name → what to do when it is shown

/** `handler()` runs each time the tab `name` is shown. */
export function onTabShown(name, handler) {
  shown.set(name, handler);
}

/** The tab named in the address, else the first. */
export function tabFromHash() {
  const wanted = location.hash.slice(1);
  return tabs.some((t) => t.dataset.tab === wanted) ? wanted : "inbox";
}

export function showTab(name, focus = false) {
  for (const tab of tabs) {
    const active = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(active));
    tab.tabIndex = active ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !active;
    if (active && focus) tab.focus();
  }
  clearMessages();
  if (history.replaceState) history.replaceState(null, "", `#${name}`);
  shown.get(name)?.();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => showTab(tab.dataset.tab));
  tab.addEventListener("keydown", (event) => {
    const i = tabs.indexOf(tab);
    let next = null;
    if (event.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
    if (event.key === "ArrowLeft") next = tabs[(i + tabs.length - 1) % tabs.length];
    if (event.key === "Home") next = tabs[0];
    if (event.key === "End") next = tabs[tabs.length - 1];
    if (next) {
      event.preventDefault();
      showTab(next.dataset.tab, true);
    }
  });
}
