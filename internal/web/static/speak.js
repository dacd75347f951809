// Read-aloud (朗读) of the page's main part or of one part of it, and voice
// input of a description. The page works without this file; the buttons
// stay hidden until it runs. The browser's own speech is used when it has a
// voice in the page's language; otherwise the server speaks the page
// (GET /speak?page=…), which it renders itself for whoever asks.
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
  var main = document.getElementById("main");
  var button = document.getElementById("speak");
  var audio = document.getElementById("speak-audio");
  var status = document.getElementById("speak-status");
  if (!main || !button || !audio) return;

  var skip = { SCRIPT: 1, STYLE: 1, INPUT: 1, SELECT: 1, TEXTAREA: 1, BUTTON: 1, AUDIO: 1, SVG: 1, NOSCRIPT: 1, TEMPLATE: 1, OPTION: 1 };
  var block = /^(P|LI|H1|H2|H3|DT|DD|DIV|SECTION|TR|LABEL|LEGEND|TIME|CAPTION|FORM)$/;
  var stops = "。！？.!?：:；;，,";

  // The text of el as the server reads it (speak.go mainText): one line a
  // block, each ending with a stop, controls and hidden parts left out.
  function textOf(el) {
    var out = [];
    (function walk(n) {
      if (n.nodeType === 3) { out.push(n.nodeValue); return; }
      if (n.nodeType !== 1 || skip[n.nodeName.toUpperCase()]) return;
      if (n.hidden || n.hasAttribute("data-nospeak") || n.getAttribute("aria-hidden") === "true") return;
      for (var c = n.firstChild; c; c = c.nextSibling) walk(c);
      if (block.test(n.nodeName.toUpperCase())) out.push("\n");
    })(el);
    var stop = lang === "en" ? "." : "。";
    return out.join("").split("\n").map(function (l) {
      l = l.replace(/\s+/g, " ").trim();
      if (l && stops.indexOf(l.charAt(l.length - 1)) < 0) l += stop;
      return l;
    }).filter(Boolean);
  }

  function say(text) {
    if (!status) return;
    status.textContent = text || "";
    status.hidden = !text;
  }

  // voice finds a voice in the page's language, waiting a moment for the
  // list, which some browsers fill only after a while.
  function voice(done) {
    if (!("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) { done(null); return; }
    var want = lang === "en" ? /^en/i : /^(zh|cmn)/i;
    var pick = function () {
      var vs = window.speechSynthesis.getVoices() || [];
      for (var i = 0; i < vs.length; i++) if (want.test(vs[i].lang)) return vs[i];
      return null;
    };
    var v = pick();
    if (v || (window.speechSynthesis.getVoices() || []).length) { done(v); return; }
    var answered = false;
    var finish = function () { if (!answered) { answered = true; done(pick()); } };
    window.speechSynthesis.addEventListener("voiceschanged", finish);
    setTimeout(finish, 1200);
  }

  var active = null; // the button that started what is being read

  function stop() {
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
    audio.pause();
    audio.removeAttribute("src");
    if (active) active.setAttribute("aria-pressed", "false");
    if (active === button) button.querySelector(".speak-label").textContent = button.getAttribute("data-label");
    active = null;
    say("");
  }

  function start(btn, part) {
    stop();
    active = btn;
    btn.setAttribute("aria-pressed", "true");
    if (btn === button) button.querySelector(".speak-label").textContent = button.getAttribute("data-stop");
    var el = part ? document.getElementById(part) : main;
    var lines = el ? textOf(el) : [];
    voice(function (v) {
      if (active !== btn) return;
      if (v) {
        lines.forEach(function (line, i) {
          // One utterance a line: some browsers stop a long one midway.
          var u = new SpeechSynthesisUtterance(line);
          u.lang = lang;
          u.voice = v;
          if (i === lines.length - 1) u.onend = function () { if (active === btn) stop(); };
          window.speechSynthesis.speak(u);
        });
        return;
      }
      say(button.getAttribute("data-busy"));
      var src = "/speak?page=" + encodeURIComponent(location.pathname) + (part ? "&part=" + encodeURIComponent(part) : "");
      audio.src = src;
      var p = audio.play();
      if (p && p.catch) p.catch(function () { if (active === btn) { say(button.getAttribute("data-fail")); } });
    });
  }

  audio.addEventListener("playing", function () { say(""); });
  audio.addEventListener("ended", function () { stop(); });
  audio.addEventListener("error", function () {
    if (active && audio.getAttribute("src")) { var b = active; stop(); say(button.getAttribute("data-fail")); b.focus(); }
  });

  button.setAttribute("data-label", button.querySelector(".speak-label").textContent);
  button.setAttribute("aria-pressed", "false");
  button.hidden = false;
  button.addEventListener("click", function () { if (active === button) stop(); else start(button, ""); });
  var parts = document.querySelectorAll(".speak-part[data-speak]");
  for (var i = 0; i < parts.length; i++) {
    (function (b) {
      b.hidden = false;
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () { if (active === b) stop(); else start(b, b.getAttribute("data-speak")); });
    })(parts[i]);
  }

  // Voice input: a microphone button under the description, where the
  // browser offers speech recognition. What is heard is added to the text.
  var words = document.getElementById("next-words");
  var desc = document.querySelector("textarea[name=description]");
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (!desc || !Recognition || !words) return;
  var mic = document.createElement("button");
  mic.type = "button";
  mic.className = "btn mic-btn";
  mic.setAttribute("aria-pressed", "false");
  mic.textContent = words.getAttribute("data-mic");
  desc.insertAdjacentElement("afterend", mic);
  var rec = null;
  var micStatus = document.createElement("span");
  micStatus.setAttribute("role", "status");
  micStatus.className = "muted";
  mic.insertAdjacentElement("afterend", micStatus);
  var micOff = function () {
    rec = null;
    mic.setAttribute("aria-pressed", "false");
    mic.textContent = words.getAttribute("data-mic");
    micStatus.textContent = "";
  };
  mic.addEventListener("click", function () {
    if (rec) { rec.stop(); return; }
    rec = new Recognition();
    rec.lang = lang;
    rec.interimResults = false;
    rec.continuous = true;
    rec.onresult = function (e) {
      for (var i = e.resultIndex; i < e.results.length; i++) {
        if (!e.results[i].isFinal) continue;
        var t = e.results[i][0].transcript.trim();
        if (t) desc.value = (desc.value ? desc.value.replace(/\s*$/, "") + (lang === "en" ? " " : "") : "") + t;
      }
    };
    rec.onend = micOff;
    rec.onerror = micOff;
    mic.setAttribute("aria-pressed", "true");
    mic.textContent = words.getAttribute("data-mic-stop");
    micStatus.textContent = words.getAttribute("data-listening");
    try { rec.start(); } catch (err) { micOff(); }
  });
})();
