// /widget.js: the one script a site adds to embed the support chat,
//   <script src="https://support.example.com/widget.js" defer></script>
// It adds a launcher button in the corner and, on the first click, a panel holding the
// chat (/widget) in an iframe. Everything lives in a shadow root, so the host page's
// styles do not reach in and ours do not leak out. No inline styles (a constructed
// stylesheet, which the host's Content-Security-Policy allows), no globals but one flag.
// The frame reports unseen replies by postMessage; only messages from our own origin
// and from our frame's window are taken, and ours go only to our origin.
(() => {
  "use strict";
  if (window.__sunsupportWidget) return;
  window.__sunsupportWidget = true;

  const script = document.currentScript;
  if (!script || !script.src) return;
  const serviceOrigin = new URL(script.src, window.location.href).origin;
  const OPENED_KEY = "sunsupport.widget.opened"; // the visitor has used the chat here

  const CSS = `
    :host { all: initial; }
    .launcher {
      position: fixed; right: 20px; bottom: 20px; z-index: 2147483646;
      width: 60px; height: 60px; border-radius: 50%; border: 0; padding: 0;
      background: #ea580c; color: #fff; cursor: pointer;
      box-shadow: 0 6px 20px rgba(124, 45, 18, 0.35);
      display: grid; place-items: center;
      font: 600 14px/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    }
    .launcher:hover { background: #c2410c; }
    .launcher:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 3px; }
    .launcher svg { width: 30px; height: 30px; }
    .unread {
      position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px;
      padding: 0 6px; box-sizing: border-box; border-radius: 11px;
      background: #b91c1c; color: #fff; border: 2px solid #fff;
      display: grid; place-items: center; font-size: 12px;
    }
    .unread[hidden] { display: none; }
    .panel {
      position: fixed; right: 20px; bottom: 92px; z-index: 2147483647;
      width: 380px; height: min(620px, calc(100vh - 112px));
      display: flex; flex-direction: column; overflow: hidden;
      border-radius: 16px; background: #fff8ee;
      box-shadow: 0 12px 40px rgba(124, 45, 18, 0.3);
    }
    .panel[hidden] { display: none; }
    .bar {
      display: flex; align-items: center; justify-content: space-between;
      padding: 6px 8px 6px 14px; background: #ea580c; color: #fff;
      font: 600 14px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    }
    .close {
      width: 36px; height: 36px; border: 0; border-radius: 8px; background: transparent;
      color: #fff; font-size: 22px; line-height: 1; cursor: pointer;
    }
    .close:hover { background: rgba(255, 255, 255, 0.2); }
    .close:focus-visible { outline: 2px solid #fff; outline-offset: -2px; }
    iframe { flex: 1; width: 100%; border: 0; background: #fff8ee; }
    @media (max-width: 480px) {
      .panel { right: 0; bottom: 0; width: 100vw; height: 100%; border-radius: 0; }
      .launcher[aria-expanded="true"] { display: none; }
    }
  `;

  const host = document.createElement("div");
  host.setAttribute("data-sunsupport-widget", "");
  const root = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in root && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = CSS;
    root.append(style);
  }

  const SVG = "http://www.w3.org/2000/svg";
  function icon() {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M4 5h16v11H9l-5 4V5z");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
    return svg;
  }

  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("data-testid", "widget-launcher");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "sunsupport-panel");
  launcher.setAttribute("aria-label", "Чат поддержки «Солнце»");
  const badge = document.createElement("span");
  badge.className = "unread";
  badge.setAttribute("data-testid", "widget-unread");
  badge.hidden = true;
  launcher.append(icon(), badge);

  const panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "sunsupport-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "Чат поддержки «Солнце»");
  panel.hidden = true;
  const bar = document.createElement("div");
  bar.className = "bar";
  const heading = document.createElement("span");
  heading.textContent = "Поддержка «Солнце»";
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.setAttribute("aria-label", "Свернуть чат");
  close.textContent = "×";
  bar.append(heading, close);
  panel.append(bar);
  root.append(panel, launcher);

  let frame = null;
  let frameReady = false;
  let unread = 0;

  function tellFrame(message) {
    if (frame && frameReady) frame.contentWindow.postMessage(message, serviceOrigin);
  }

  function showUnread() {
    const shown = unread > 0 && panel.hidden;
    badge.hidden = !shown;
    badge.textContent = unread > 99 ? "99+" : String(unread);
    const label = "Чат поддержки «Солнце»";
    launcher.setAttribute("aria-label", shown ? `${label}: новых ответов — ${unread}` : label);
  }

  function ensureFrame() {
    if (frame) return;
    frame = document.createElement("iframe");
    frame.setAttribute("data-testid", "widget-frame");
    frame.title = "Чат поддержки «Солнце»";
    const url = new URL("/widget", serviceOrigin);
    url.searchParams.set("host", window.location.origin);
    frame.src = url.href;
    panel.append(frame);
  }

  function setOpen(open, { focus = true } = {}) {
    if (open) {
      ensureFrame();
      try {
        localStorage.setItem(OPENED_KEY, "1");
      } catch {
        /* storage disabled: the frame loads on the first click again */
      }
    }
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    tellFrame({ type: "sunsupport:panel", open });
    showUnread();
    if (focus) (open ? frame : launcher).focus();
  }

  launcher.addEventListener("click", () => setOpen(panel.hidden));
  close.addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false);
  });

  window.addEventListener("message", (event) => {
    if (!frame || event.origin !== serviceOrigin || event.source !== frame.contentWindow) return;
    const data = event.data || {};
    if (data.type === "sunsupport:ready") {
      frameReady = true;
      tellFrame({ type: "sunsupport:panel", open: !panel.hidden });
    } else if (data.type === "sunsupport:unread" && Number.isInteger(data.count)) {
      unread = Math.max(0, data.count);
      showUnread();
    } else if (data.type === "sunsupport:close") {
      setOpen(false);
    }
  });

  function mount() {
    document.body.append(host);
    // Someone who chatted here before: load the chat (closed), so replies show on the launcher.
    let opened = false;
    try {
      opened = localStorage.getItem(OPENED_KEY) === "1";
    } catch {
      opened = false;
    }
    if (opened) ensureFrame();
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
