// Icons drawn in SVG: emoji fonts are not everywhere (a 👍 can arrive as an empty box).

import { svg } from "/static/common/ui.js";

const THUMB =
  "M7 10v11H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3zm0 0l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8.5a2 2 0 0 1-2 1.7H7";

/** A thumbs-up; `down` turns it over. With a `label` it is an image of that name;
 * without, decoration beside a text that says the same. */
export function thumbIcon(down, label) {
  const icon = svg("svg", {
    viewBox: "0 0 24 24",
    class: down ? "icon thumb thumb--down" : "icon thumb",
    focusable: "false",
    ...(label ? { role: "img", "aria-label": label } : { "aria-hidden": "true" }),
  });
  if (label) icon.append(svg("title", {}, label));
  icon.append(svg("path", { d: THUMB }));
  return icon;
}
