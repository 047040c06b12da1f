// What was being written when the session expired: kept in this tab's sessionStorage
// (never the password, never in localStorage) under the account it belongs to, and put
// back in the box once that same account has signed in again; a sign-out discards it.

const KEY = "sunsupport.draft";

function read() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
    return saved && typeof saved.text === "string" ? saved : null;
  } catch {
    return null;
  }
}

/** Keep `text` of `owner` (a username) for after the next login; `place` says where it
 * was written (a conversation id). Text kept already by the same owner in the same place
 * stays, after `text` when it was `writtenBefore` (a send cut short), else before it. */
export function keepDraft(owner, text, { place = null, writtenBefore = false } = {}) {
  if (!owner || !text.trim()) return;
  const kept = read();
  const same = kept && kept.owner === owner && kept.place === place && kept.text.trim();
  let value = text;
  if (same) value = writtenBefore ? `${text}\n${kept.text}` : `${kept.text}\n${text}`;
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ owner, place, text: value }));
  } catch {
    /* storage disabled: the text is lost with the page, as before */
  }
}

/** The draft kept for `owner` ({ text, place }), removed from storage; null if none. */
export function takeDraft(owner) {
  const saved = read();
  if (saved) discardDrafts();
  return saved && saved.owner === owner ? saved : null;
}

/** Signed out on purpose: nothing written stays behind. */
export function discardDrafts() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
}
