// A new conversation waiting for an operator: a short chime and a "(N)" badge in the tab's
// title, cleared once the operator looks at the page. Browsers allow sound only after the
// first click or key press, so the first one unlocks it.

const BASE_TITLE = document.title;

let audio = null;
let badge = 0;

function unlockAudio() {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => {});
  } catch {
    audio = null;
  }
}

function beep() {
  try {
    if (!audio || audio.state !== "running") return;
    const now = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.setValueAtTime(880, now);
    osc.frequency.setValueAtTime(1175, now + 0.12);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.3);
    osc.connect(gain).connect(audio.destination);
    osc.start(now);
    osc.stop(now + 0.32);
  } catch {
    /* no sound: the title badge still tells */
  }
}

function setBadge(n) {
  badge = n;
  document.title = n > 0 ? `(${n}) ${BASE_TITLE}` : BASE_TITLE;
}

export function newHandoff() {
  beep();
  setBadge(badge + 1);
}

export function clearBadge() {
  setBadge(0);
}

function seen() {
  if (badge && document.visibilityState === "visible") setBadge(0);
}

window.addEventListener("focus", seen);
for (const type of ["pointerdown", "keydown"]) {
  document.addEventListener(type, () => {
    unlockAudio();
    seen();
  }, { capture: true });
}
