// The chat inside the widget's panel talks to the script on the host page (/widget.js):
// it learns when the panel opens and closes, and reports the count of unseen replies for
// the launcher. Messages go only to the page that embeds this frame and are taken only
// from it (its origin and its window); who may embed the frame at all is the server's
// Content-Security-Policy (frame-ancestors, WIDGET_ALLOWED_ORIGINS).

import { onUnreadChange, setPanelClosed } from "/static/chat/attention.js";

/** The embedding page's origin, or null when the widget is not in a frame. */
function hostOrigin() {
  if (window.parent === window) return null;
  const ancestor = window.location.ancestorOrigins?.[0]; // what the browser says it is
  const claimed = new URLSearchParams(window.location.search).get("host");
  const origin = ancestor || claimed;
  return origin && origin !== "null" ? origin : null;
}

export function connectToHost() {
  const host = hostOrigin();
  if (!host) return;
  const tell = (message) => window.parent.postMessage(message, host);
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.origin !== host) return;
    if (event.data?.type === "sunsupport:panel") setPanelClosed(!event.data.open);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented) tell({ type: "sunsupport:close" });
  });
  onUnreadChange((count) => tell({ type: "sunsupport:unread", count }));
  tell({ type: "sunsupport:ready" });
}
