// /widget-demo: show the snippet with this service's real address, copy it, and embed the
// widget on this very page exactly as the snippet does.

import { $ } from "/static/common/ui.js";

const src = new URL("/widget.js", window.location.origin).href;
const snippet = `<script src="${src}" defer></script>`;
$("snippet").textContent = snippet;

$("copy-snippet").addEventListener("click", async () => {
  const status = $("copy-status");
  try {
    await navigator.clipboard.writeText(snippet);
    status.textContent = "Скопировано";
  } catch {
    // No clipboard access (an insecure context, a refusal): select the text instead.
    const range = document.createRange();
    range.selectNodeContents($("snippet"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = "Выделено — нажмите Ctrl+C";
  }
});

const widget = document.createElement("script");
widget.src = src;
widget.defer = true;
document.body.append(widget);
