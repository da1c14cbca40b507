/* The page: asks once who the practitioner is (or takes it from the sign-in headers the server
 * passed in #settings), then starts rasa-webchat with the practitioner as metadata on every message.
 * The conversation is kept in the tab's session storage (it survives a reload, and goes when the
 * tab closes: these are often shared computers) and on the server under the same session id.
 */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("settings").textContent);
  var STORE = "thresholds.practitioner";
  var form = document.getElementById("practitioner-form");
  var chat = document.getElementById("chat");

  function saved() {
    try { return JSON.parse(window.localStorage.getItem(STORE)); } catch (e) { return null; }
  }

  function practitioner() {
    return settings.practitioner || saved();
  }

  // What is kept, for how long and why, from the server's own settings (never a number typed here).
  function days(n) { return n === 1 ? "1 day" : n + " days"; }
  var kept = settings.kept;
  if (kept) {
    var said = "What is kept: your name, role and organisation, and the conversation, with any child's name, " +
      "address, date of birth and other personal details replaced before anything is stored. The conversation is " +
      "deleted " + days(kept.conversationDays) + " after its last message; your consultation record " +
      days(kept.recordDays) + " after it is made. Why: so that every consultation is named and recorded, you can " +
      "take the record to your designated safeguarding lead, and concerns about the same child can be connected.";
    Array.prototype.forEach.call(document.querySelectorAll(".kept-text"), function (p) { p.textContent = said; });
  }

  function describe(who) {
    return [who.name, who.role, who.organisation].filter(Boolean).join(", ");
  }

  function showWho(who) {
    document.getElementById("who-name").textContent = describe(who);
    document.getElementById("who").hidden = false;
    // Someone signed in by the hosting site cannot change who they are here.
    document.getElementById("who-change").hidden = Boolean(settings.practitioner);
  }

  function askWho() {
    var previous = saved() || {};
    form.elements.name.value = previous.name || "";
    form.elements.role.value = previous.role || "";
    form.elements.organisation.value = previous.organisation || "";
    form.hidden = false;
    form.elements.name.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var who = {
      name: form.elements.name.value.trim(),
      role: form.elements.role.value.trim(),
      organisation: form.elements.organisation.value.trim(),
      source: "form"
    };
    var error = document.getElementById("practitioner-error");
    if (!who.name || !who.role || !who.organisation) {
      error.textContent = "Please give your name, role and organisation.";
      error.hidden = false;
      return;
    }
    error.hidden = true;
    window.localStorage.setItem(STORE, JSON.stringify(who));
    form.hidden = true;
    start(who);
  });

  document.getElementById("who-change").addEventListener("click", function () {
    // A different practitioner starts a different consultation.
    window.localStorage.removeItem(STORE);
    window.sessionStorage.clear();
    window.location.reload();
  });

  var webchat = null;  // the widget's handle (sendMessage), once drawn

  document.getElementById("new-consultation").addEventListener("click", function () {
    // The bot's own "new consultation": the worry, age and answers go; the practitioner and the
    // authority stay (actions/recommendation.py, ActionNewConsultation).
    if (webchat) webchat.sendMessage("/new_consultation", "New consultation");
    focusConversation(false);
  });

  function start(who) {
    showWho(who);
    chat.hidden = false;
    document.getElementById("new-consultation").hidden = false;
    window.WebChat.default({
      innerRef: function (ref) { webchat = ref; },
      // Replies are drawn as soon as they arrive: no pretend typing (the widget waits up to 3 s a message).
      customMessageDelay: function () { return 0; },
      socketUrl: window.location.origin,
      socketPath: settings.socketPath.replace(/\/?$/, "/"),
      customData: { practitioner: who },
      initPayload: "/greet",
      embedded: true,
      title: "Thresholds Assistant",
      subtitle: "Local threshold guidance, with named contacts",
      inputTextFieldHint: "Describe your worry, or ask a question",
      showMessageDate: false,
      displayUnreadCount: false,
      customComponent: window.ThresholdsCard.CustomMessage,
      params: { storage: "session" }
    }, chat);
    makeAccessible(chat);
  }

  // After a button, focus stays in the conversation: on the message box, or (after a tap on a
  // touch screen, where that would open the keyboard over the answer) on the conversation itself.
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; }, true);

  function focusConversation(touch) {
    window.setTimeout(function () {
      var target = touch ? chat.querySelector(".rw-messages-container") : chat.querySelector(".rw-new-message");
      if (target) target.focus({ preventScroll: true });
    }, 0);
  }

  chat.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".rw-reply")) {
      focusConversation(event.detail > 0 && lastPointer === "touch");
    }
  });

  // A new card is shown from its top (the answer first), not scrolled to its end.
  var shownCards = typeof WeakSet === "function" ? new WeakSet() : null;
  function showCardTop(container) {
    if (!shownCards || !container) return;
    var cards = container.querySelectorAll(".ta-card");
    var latest = cards[cards.length - 1];
    if (!latest || shownCards.has(latest)) return;
    cards.forEach(function (c) { shownCards.add(c); });
    var scroll = function () {
      container.scrollTop += latest.getBoundingClientRect().top - container.getBoundingClientRect().top - 8;
    };
    scroll();
    window.requestAnimationFrame(scroll);
    window.setTimeout(scroll, 150);  // after the widget's own scroll to the end
  }

  // "Stoke-on-Trent, question 1 of 3: ..." gets a visible "Question 1 of 3" above it (the words
  // are already in the message, so the badge is hidden from screen readers).
  var PROGRESS = /question (\d+) of (\d+)/i;
  function markProgress(root) {
    root.querySelectorAll(".rw-response:not([data-ta-progress])").forEach(function (message) {
      message.setAttribute("data-ta-progress", "");
      var found = PROGRESS.exec(message.textContent || "");
      if (!found) return;
      var badge = document.createElement("p");
      badge.className = "ta-progress";
      badge.setAttribute("aria-hidden", "true");
      // Drawn by CSS from the attribute: the message's own words stay the only text saying it.
      badge.setAttribute("data-progress", "Question " + found[1] + " of " + found[2]);
      message.insertBefore(badge, message.firstChild);
    });
  }

  /* rasa-webchat draws quick replies as <div>s and leaves its controls unlabelled; this gives
   * them roles, names and keyboard use, and makes the message list a polite live region. */
  function makeAccessible(root) {
    function fix() {
      var messages = root.querySelector(".rw-messages-container");
      if (messages && !messages.hasAttribute("role")) {
        messages.setAttribute("role", "log");
        messages.setAttribute("aria-live", "polite");
        messages.setAttribute("aria-label", "Conversation");
        messages.setAttribute("tabindex", "0");
      }
      var input = root.querySelector(".rw-new-message");
      if (input && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", "Your message");
      var send = root.querySelector(".rw-send");
      if (send && !send.hasAttribute("aria-label")) send.setAttribute("aria-label", "Send");
      root.querySelectorAll(".rw-reply:not([role])").forEach(function (reply) {
        reply.setAttribute("role", "button");
        reply.setAttribute("tabindex", "0");
        reply.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            reply.click();
          }
        });
      });
      root.querySelectorAll("img:not([alt])").forEach(function (img) { img.setAttribute("alt", ""); });
      // A number to call opens the dialler, not a new tab.
      root.querySelectorAll("a[href^='tel:'][target]").forEach(function (a) { a.removeAttribute("target"); });
      markProgress(root);
      showCardTop(messages);
    }
    new MutationObserver(fix).observe(root, { childList: true, subtree: true });
    fix();
  }

  var who = practitioner();
  if (who && who.name) start(who);
  else askWho();
})();
