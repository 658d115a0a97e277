/* Stegvis participant pages: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* GOV.UK error pattern: the summary takes focus, so it is read out first. */
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  /* Listen: a recording when the questionnaire has one, else the browser's speech
     synthesis with a voice chosen explicitly for the page language (iOS ignores
     utterance.lang alone). The button stays hidden when neither exists, and
     nothing ever plays until it is pressed. */
  function pickVoice(lang) {
    if (!("speechSynthesis" in window)) { return null; }
    var voices = window.speechSynthesis.getVoices() || [];
    var wanted = lang.toLowerCase();
    var matching = voices.filter(function (voice) {
      var code = (voice.lang || "").toLowerCase().replace("_", "-");
      return code === wanted || code.indexOf(wanted + "-") === 0;
    });
    var local = matching.filter(function (voice) { return voice.localService; });
    return local[0] || matching[0] || null;
  }

  function textToRead() {
    return Array.prototype.map.call(
      document.querySelectorAll("[data-listen-text]"),
      function (element) { return element.textContent.trim(); }
    ).filter(Boolean).join(". ");
  }

  function setUpListen() {
    var button = document.querySelector("[data-listen]");
    if (!button) { return; }
    var lang = button.getAttribute("data-lang");
    var audioUrl = button.getAttribute("data-audio-url");
    var recording = null;

    if (audioUrl) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!recording) { recording = new Audio(audioUrl); }
        recording.currentTime = 0;
        recording.play();
      });
      return;
    }
    if (!("speechSynthesis" in window)) { return; }
    var voice = null;
    function offerIfVoice() {
      voice = pickVoice(lang);
      button.hidden = !voice;
    }
    offerIfVoice();
    /* Voices often arrive after the page has loaded. */
    window.speechSynthesis.addEventListener("voiceschanged", offerIfVoice);
    button.addEventListener("click", function () {
      if (!voice) { return; }
      window.speechSynthesis.cancel();
      var utterance = new SpeechSynthesisUtterance(textToRead());
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      window.speechSynthesis.speak(utterance);
    });
  }

  /* A shared tablet: after a quiet while, ask "are you still here?"; without an
     answer, go to the neutral give-back screen, which ends the session. Any touch
     or key counts as being here, and tells the server now and then. */
  function setUpIdleTimer() {
    var body = document.body;
    var idleSeconds = Number(body.getAttribute("data-idle-seconds"));
    var warningSeconds = Number(body.getAttribute("data-idle-warning-seconds"));
    var template = document.getElementById("idle-warning");
    if (!idleSeconds || !template) { return; }
    var stillHereUrl = body.getAttribute("data-still-here-url");
    var csrfToken = body.getAttribute("data-csrf-token");
    var lastTold = Date.now();
    var warnTimer = null;
    var endTimer = null;
    var dialog = null;

    function tellServer() {
      lastTold = Date.now();
      window.fetch(stillHereUrl, {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken }
      }).catch(function () { /* offline: the next page load tells it */ });
    }
    function end() {
      // A form, not a fetch: the browser follows the answer to the neutral screen.
      var form = document.createElement("form");
      form.method = "post";
      form.action = body.getAttribute("data-leave-url");
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = csrfToken;
      form.appendChild(token);
      body.appendChild(form);
      form.submit();
    }
    function warn() {
      if (!dialog) {
        body.appendChild(template.content.cloneNode(true));
        dialog = document.getElementById("idle-dialog");
        dialog.querySelector("button").addEventListener("click", function () {
          dialog.close();
          tellServer();
          restart();
        });
        dialog.addEventListener("cancel", function () { tellServer(); restart(); });
      }
      dialog.showModal();
      endTimer = window.setTimeout(end, warningSeconds * 1000);
    }
    function restart() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(warn, Math.max(idleSeconds - warningSeconds, 1) * 1000);
    }
    function activity() {
      if (dialog && dialog.open) { return; }
      restart();
      if (Date.now() - lastTold > 30000) { tellServer(); }
    }
    ["keydown", "pointerdown", "input"].forEach(function (name) {
      document.addEventListener(name, activity, { passive: true });
    });
    restart();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    setUpListen();
    setUpIdleTimer();
  });
}());
