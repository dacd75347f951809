// Filing: the published answers to her words, fetched as she types (500 ms
// after she stops). Without this script the form's 先看看有没有答案 button
// asks the server and the page comes back with them, her text kept. The
// answers' 这解决了我的问题 posts to /submit/answered (nothing is filed),
// never the filing form; 还要反映 goes on to the form.
(function () {
  var box = document.getElementById("kb-answers");
  var list = document.getElementById("kb-list");
  var text = document.getElementById("description");
  if (!box || !list || !text || !window.fetch) return;
  // The filing form's own submit is taken over by pwa.js, which keeps no
  // button's target: the answers' button posts a form of its own, and the
  // 先看看 button gives way to the answers fetched as she types.
  var btn = document.getElementById("kb-btn");
  if (btn) btn.remove(); // never the form's default button, as pressing Enter would find it

  var timer = null, asked = "";
  var el = function (tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt) e.textContent = txt;
    return e;
  };
  var render = function (items) {
    list.textContent = "";
    if (!items.length) {
      list.appendChild(el("p", "muted", box.getAttribute("data-t-none")));
      return;
    }
    for (var i = 0; i < items.length; i++) {
      var a = items[i];
      var art = el("article", "kb-answer card");
      art.id = "kb-" + a.id;
      art.appendChild(el("h3", "", a.title));
      art.appendChild(el("p", "", a.answer));
      if (a.guide && a.guide.place) {
        art.appendChild(el("p", "muted small", a.guide.place + (a.guide.hours ? " · " + a.guide.hours : "")));
      }
      var act = el("p", "actions");
      var more = el("a", "guide-tap", box.getAttribute("data-t-more"));
      more.href = "/guides/" + encodeURIComponent(a.id);
      act.appendChild(more);
      act.appendChild(document.createTextNode(" "));
      var solved = el("button", "btn kb-solved", box.getAttribute("data-t-solved"));
      // A plain button, posted by the listener below: a submit button here
      // would be the filing form's default, taken by Enter in any field.
      solved.type = "button"; solved.name = "answered"; solved.value = a.id;
      act.appendChild(solved);
      act.appendChild(document.createTextNode(" "));
      var still = el("a", "btn", box.getAttribute("data-t-still"));
      still.href = "#category";
      act.appendChild(still);
      art.appendChild(act);
      list.appendChild(art);
    }
  };
  var ask = function () {
    var q = text.value.trim().slice(0, 200);
    if (q === asked || q.length < 2) return;
    asked = q;
    fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && d.items && q === asked) render(d.items); })
      .catch(function () {});
  };
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 500);
  });
  list.addEventListener("click", function (e) {
    var t = e.target;
    if (t && t.tagName === "BUTTON" && t.name === "answered") {
      e.preventDefault();
      var f = document.createElement("form");
      f.method = "post";
      f.action = "/submit/answered";
      var add = function (name, value) {
        var i = document.createElement("input");
        i.type = "hidden"; i.name = name; i.value = value;
        f.appendChild(i);
      };
      var csrf = text.form && text.form.querySelector("input[name=csrf]");
      if (csrf) add("csrf", csrf.value);
      add("answered", t.value);
      document.body.appendChild(f);
      HTMLFormElement.prototype.submit.call(f);
      return;
    }
    if (t && t.tagName === "A" && t.getAttribute("href") === "#category") {
      e.preventDefault();
      var first = document.querySelector("#category input");
      if (first) first.focus();
    }
  });
})();
