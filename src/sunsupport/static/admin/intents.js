// The knowledge base's intents as people read them: the title where the knowledge base
// gives one (GET /admin/intents → [{id, title}]), else the id.

import { api } from "/static/common/api.js";

let known = []; // [{ id, title }]

export async function loadIntentTitles() {
  known = ((await api.intents()) ?? []).map((i) => ({ id: i.id, title: i.title || null }));
  return known;
}

/** Every intent, in the knowledge base's order. */
export function intentList() {
  return known;
}

/** «Восход и закат» for sun_times; the id itself when there is no title. */
export function intentTitle(id) {
  if (id === "fallback") return known.find((i) => i.id === id)?.title || "не понял (fallback)";
  return known.find((i) => i.id === id)?.title || id;
}
