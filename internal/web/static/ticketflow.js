// The staff ticket page's forms without a page load, and the print page's
// print button. A convenience only: without this file every form posts and
// the server answers with the page again (post, redirect, get).
//
// With it, a form of the ticket page (/staff/tickets/{number}/{action}) is
// sent by fetch with the same body (its CSRF token included; multipart when
// it carries photos). The answer is the page the server would have shown,
// after its redirect or with the form's error; its main part replaces this
// page's, the title and the address follow, and focus moves to what the
// answer says: the error of the form, or else the status line. Scripts that
// enhance the content hear "gongzhi:content" on document and set up again.
(function () {
  var me = document.currentScript;
  var words = (me && me.dataset) || {};

  // The print page: the button shows only where it works.
  var printBtn = document.querySelector("[data-print]");
  if (printBtn && window.print) {
    printBtn.hidden = false;
    printBtn.addEventListener("click", function () { window.print(); });
  }

  var main = document.getElementById("main");
  if (!main || !window.fetch || !window.FormData || !window.DOMParser || !window.URLSearchParams || !history.replaceState) return;
  var actionPath = /^\/staff\/tickets\/[^\/]+\/[a-z_]+$/;
  var swaps = 0;

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form || form.tagName !== "FORM" || !main.contains(form)) return;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    var submitter = e.submitter;
    var action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || "";
    var url = new URL(action, location.href);
    if (url.origin !== location.origin || !actionPath.test(url.pathname)) return;
    e.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return; // sent already
    send(form, url, submitter);
  });

  function send(form, url, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var multipart = (form.getAttribute("enctype") || "").toLowerCase() === "multipart/form-data";
    var body = multipart ? data : new URLSearchParams(data);
    busy(form, true);
    fetch(url.href, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (res) {
        var type = res.headers.get("Content-Type") || "";
        if (type.indexOf("text/html") !== 0) throw new Error("not a page: " + res.status);
        return res.text().then(function (html) { swap(html, res); });
      })
      .catch(function () {
        busy(form, false);
        say(form, words.failed || "network error");
      });
  }

  // busy marks the form as being sent: its buttons wait, a screen reader
  // hears so.
  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    var buttons = form.querySelectorAll("button, input[type=submit]");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on;
    if (on && words.busy) say(form, words.busy, true);
  }

  // say puts a line at the top of the form: progress politely, a failure
  // as an alert that takes focus.
  function say(form, text, polite) {
    var line = form.querySelector(".flow-say");
    if (!line) {
      line = document.createElement("p");
      line.className = "flow-say";
      line.tabIndex = -1;
      var head = form.querySelector("h2");
      form.insertBefore(line, head ? head.nextSibling : form.firstChild);
    }
    line.setAttribute("role", polite ? "status" : "alert");
    line.className = polite ? "flow-say muted" : "flow-say alert";
    line.textContent = text;
    if (!polite) line.focus();
  }

  function swap(html, res) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("main");
    if (!fresh) throw new Error("no main part");
    var nodes = [];
    for (var n = fresh.firstChild; n; n = n.nextSibling) nodes.push(document.importNode(n, true));
    main.replaceChildren.apply(main, nodes);
    if (doc.title) document.title = doc.title;
    var to = new URL(res.url, location.href);
    if (res.redirected && to.origin === location.origin) history.replaceState(null, "", to.pathname + to.search);
    focusResult();
    swaps++;
    document.body.setAttribute("data-flow", String(swaps));
    var ev;
    try { ev = new CustomEvent("gongzhi:content", { detail: { root: main } }); } catch (err) { return; }
    document.dispatchEvent(ev);
  }

  // focusResult moves focus to the first error of the new content (the
  // failed form's), else to its status line, else to its heading.
  function focusResult() {
    var target = main.querySelector("form .alert[role=alert]") || main.querySelector(".alert[role=alert]") ||
      main.querySelector(".flash[role=status]") || main.querySelector("[role=status]") || main.querySelector("h1");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
    if (target.scrollIntoView) target.scrollIntoView({ block: "center" });
  }
})();
