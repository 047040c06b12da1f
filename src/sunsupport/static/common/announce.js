// The page's one polite live region (#announcer in base.html): status changes, new
// answers and confirmations are said once, here. Nothing else on the page is a live
// region (errors are role=alert), so a screen reader never hears a thing twice, and the
// user's own messages are never read back to them.

import { $ } from "/static/common/ui.js";

let timer = null;

/** Say `text` politely; the same text twice in a row is said twice (cleared first). */
export function announce(text) {
  const region = $("announcer");
  if (!region || !text) return;
  clearTimeout(timer);
  region.textContent = "";
  // A tick apart, so that assistive technology notices the change even for equal texts.
  timer = setTimeout(() => {
    region.textContent = text;
  }, 50);
}
