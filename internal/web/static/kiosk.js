// The self-service terminal (自助终端): the step's prompt is read aloud on
// each page, and each field's label as it takes the focus; the visit ends
// after the idle time without input (the server holds the same bound);
// the page sends a heartbeat every minute; the receipt prints. Pages work
// without this file.
(function () {
  "use strict";
  var bar = document.getElementById("kiosk-bar");
  if (!bar) return;
  var lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
  var prompt = document.getElementById("kiosk-prompt");
  var spoken = 0;

  // speak asks the browser to read text aloud; the count of requests is
  // kept on the bar (data-spoken) for the terminal's self-test.
  function speak(text) {
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!text) return;
    spoken++;
    bar.setAttribute("data-spoken", String(spoken));
    bar.setAttribute("data-last-spoken", text);
    if (!("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) return;
    try {
      window.speechSynthesis.cancel();
      var u = new SpeechSynthesisUtterance(text);
      u.lang = lang;
      window.speechSynthesis.speak(u);
    } catch (e) { /* no voice: the prompt stays on the screen */ }
  }

  if (prompt) speak(prompt.textContent);
  document.addEventListener("focusin", function (e) {
    var el = e.target;
    if (!el || !el.id || !/^(INPUT|SELECT|TEXTAREA)$/.test(el.nodeName)) return;
    var label = document.querySelector('label[for="' + el.id + '"]');
    if (label) speak(label.textContent);
  });

  // The idle time: any input starts it again.
  var idle = parseInt(bar.getAttribute("data-idle"), 10) || 120;
  var timer = null;
  function reset() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      var end = document.getElementById("kiosk-end");
      if (end) end.submit(); else location.href = "/kiosk";
    }, idle * 1000);
  }
  ["keydown", "pointerdown", "input", "touchstart", "wheel"].forEach(function (t) {
    document.addEventListener(t, reset, { passive: true });
  });
  reset();

  function beat() {
    if (window.fetch) fetch("/kiosk/beat", { credentials: "same-origin", cache: "no-store" }).catch(function () {});
  }
  beat();
  setInterval(beat, 60000);

  var print = document.getElementById("kiosk-print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
