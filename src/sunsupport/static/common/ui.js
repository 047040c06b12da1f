// Small DOM helpers. Every user- or server-supplied string goes in as text
// (textContent), never as HTML, so a message like <img src=x onerror=...> shows literally.

const SVG_NS = "http://www.w3.org/2000/svg";

export const $ = (id) => document.getElementById(id);

/** Create an element with classes, attributes and optional text content. */
export function el(tag, { className, text, attrs } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** Create an SVG element with attributes and optional text content. */
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Whether `scroller` is (nearly) scrolled to the bottom: new content should keep it there. */
export function nearBottom(scroller) {
  const { scrollTop, scrollHeight, clientHeight } = scroller;
  return scrollHeight - scrollTop - clientHeight < 80;
}

export function scrollToBottom(scroller) {
  scroller.scrollTop = scroller.scrollHeight;
}

// The skip link goes to the composer; where that is not there yet (or disabled), to the
// main area of the page instead.
document.querySelector(".skip-link")?.addEventListener("click", (event) => {
  const target = document.getElementById(event.currentTarget.hash.slice(1));
  const usable = target && !target.disabled && target.getClientRects().length > 0;
  const fallback = document.querySelector("main:not([hidden])");
  const destination = usable ? target : fallback;
  if (!destination) return;
  event.preventDefault();
  if (!destination.hasAttribute("tabindex") && destination.tagName === "MAIN") destination.tabIndex = -1;
  destination.focus();
});
