// Message text as the pages show it, built as DOM nodes (never parsed as HTML): links become
// clickable (http, https and mailto only; they open in a new tab without a referrer), and
// the bot's and operators' messages may use a small Markdown subset: **bold**, *italics*
// (or _italics_), lists ("- " or "1. " lines), [links](https://…) and line breaks.
// Customers' messages stay plain text with clickable links.

import { el } from "/static/common/ui.js";

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const BARE_LINK = /\b(?:https?:\/\/|mailto:)[^\s<>"'«»]+/giu;
const TRAILING = /[.,;:!?…)\]}»"']+$/u; // punctuation after a link is not part of it
const INLINE =
  /\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|(?<![\p{L}\p{N}*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])|(?<![\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu;
const LIST_ITEM = /^\s{0,3}(?:([-*•])|(\d{1,3})[.)])\s+(.*)$/u;

/** The URL if it is one a page may link to, else null. */
export function safeUrl(raw) {
  try {
    const url = new URL(raw);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function link(href, text) {
  return el("a", {
    className: "msg-link",
    text,
    attrs: { href, target: "_blank", rel: "noopener noreferrer" },
  });
}

/** Text with its bare links made clickable, appended to `parent`. */
function appendLinked(parent, text) {
  let last = 0;
  for (const match of text.matchAll(BARE_LINK)) {
    let raw = match[0];
    const tail = TRAILING.exec(raw)?.[0] ?? "";
    raw = raw.slice(0, raw.length - tail.length);
    const href = safeUrl(raw);
    if (!href) continue;
    parent.append(text.slice(last, match.index));
    parent.append(link(href, raw));
    last = match.index + raw.length;
  }
  parent.append(text.slice(last));
}

/** Inline Markdown (bold, italics, links) of one line, appended to `parent`. */
function appendInline(parent, text) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    appendLinked(parent, text.slice(last, match.index));
    last = match.index + match[0].length;
    const [, label, target, bold1, bold2, em1, em2] = match;
    if (label !== undefined) {
      const href = safeUrl(target);
      if (href) parent.append(link(href, label));
      else appendLinked(parent, match[0]); // not a link we allow: shown as written
    } else if (bold1 !== undefined || bold2 !== undefined) {
      const strong = el("strong");
      appendInline(strong, bold1 ?? bold2);
      parent.append(strong);
    } else {
      const em = el("em");
      appendInline(em, em1 ?? em2);
      parent.append(em);
    }
  }
  appendLinked(parent, text.slice(last));
}

/** Lines joined with <br>, each with inline Markdown. */
function appendLines(parent, lines) {
  lines.forEach((line, i) => {
    if (i) parent.append(el("br"));
    appendInline(parent, line);
  });
}

/** A bot's or operator's message: paragraphs, lists and inline Markdown. */
export function richText(text) {
  const fragment = document.createDocumentFragment();
  let paragraph = [];
  let list = null;
  const flushParagraph = () => {
    if (!paragraph.length) return;
    const p = el("p");
    appendLines(p, paragraph);
    fragment.append(p);
    paragraph = [];
  };
  for (const line of String(text ?? "").split(/\r?\n/)) {
    const item = LIST_ITEM.exec(line);
    if (item) {
      flushParagraph();
      const ordered = item[2] !== undefined;
      if (!list || (list.tagName === "OL") !== ordered) {
        list = el(ordered ? "ol" : "ul");
        if (ordered && item[2] !== "1") list.setAttribute("start", item[2]);
        fragment.append(list);
      }
      const li = el("li");
      appendInline(li, item[3]);
      list.append(li);
      continue;
    }
    list = null;
    if (!line.trim()) flushParagraph();
    else paragraph.push(line);
  }
  flushParagraph();
  return fragment;
}

/** A customer's message: the text as written, with clickable links. */
export function linkedText(text) {
  const fragment = document.createDocumentFragment();
  appendLinked(fragment, String(text ?? ""));
  return fragment;
}
