// What the chat page's panels share about the open chat. Everything else is kept by the
// module that needs it (the sidebar's list, the rating, the live channel...).

export const openChat = {
  id: null, // the open chat (conversation.js opens it; composer.js starts one if there is none)
  loaded: false, // its history is on screen (conversation.js)
  ready: Promise.resolve(), // settles once its history has loaded (main.js, conversation.js)
  pending: null, // { sessionId, node } while a sent message waits for its answer (composer.js)
  status: null, // bot | pending_human | open | resolved (status.js)
};
