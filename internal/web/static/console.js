// The hotline console, made faster: the caller's history without a reload,
// category suggestions as the agent types (ARIA combobox), knowledge-base
// articles and possible duplicates beside the form. Without this file the
// console is a plain form that does all of it on submit.
(function () {
  "use strict";
  var form = document.getElementById("console");
  if (!form || !window.fetch) return;
  var $ = function (id) { return document.getElementById(id); };
  var phone = $("phone"), looked = $("looked"), catQ = $("category_q"), catCode = $("category_code"),
    list = $("cat-list"), chosen = $("cat-chosen"), desc = $("description"), reply = $("reply_text");
  var T = form.dataset;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; });
  }
  // A handled Enter must not also submit the form: some key sources (and
  // older browsers) send the keypress even when the keydown was taken.
  var ate = false;
  function eat(e) { e.preventDefault(); ate = true; }
  document.addEventListener("keypress", function (e) {
    if (ate && e.key === "Enter") e.preventDefault();
    ate = false;
  }, true);
  document.addEventListener("keyup", function () { ate = false; }, true);
  // Submits the form as if the button with this name and value was pressed.
  function submitAs(name, value) {
    var b = form.querySelector('button[name="' + name + '"][value="' + value + '"]');
    if (b && form.requestSubmit) form.requestSubmit(b); else if (b) b.click();
  }

  // 1. The caller's phone: Enter shows the history in place.
  phone.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.isComposing) return;
    eat(e);
    var v = phone.value.trim();
    if (!v) return;
    fetch("/staff/console?phone=" + encodeURIComponent(v), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("history");
        if (fresh) $("history").innerHTML = fresh.innerHTML;
        var l = doc.getElementById("looked"), p = doc.getElementById("phone");
        looked.value = l ? l.value : "";
        if (looked.value) {
          phone.value = looked.value;
          phone.removeAttribute("aria-invalid");
        } else if (p && p.getAttribute("aria-invalid")) {
          phone.setAttribute("aria-invalid", "true");
        }
      });
  });

  // 2. The category: a combobox with a listbox of suggestions.
  var items = [], active = -1;
  catQ.setAttribute("role", "combobox");
  catQ.setAttribute("aria-autocomplete", "list");
  catQ.setAttribute("aria-expanded", "false");
  catQ.setAttribute("aria-controls", "cat-list");
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", document.querySelector('label[for="category_q"]').firstChild.textContent.trim());

  function open() { return !list.hidden && items.length > 0; }
  function close() {
    list.hidden = true;
    catQ.setAttribute("aria-expanded", "false");
    catQ.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(i) {
    var opts = list.querySelectorAll('[role="option"]');
    for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === i ? "true" : "false");
    active = i;
    if (i >= 0 && opts[i]) {
      catQ.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    } else {
      catQ.removeAttribute("aria-activedescendant");
    }
  }
  function choose(i) {
    var c = items[i];
    if (!c) return;
    catQ.value = c.name;
    catCode.value = c.code;
    chosen.textContent = "✓ " + c.path + " · " + c.code;
    chosen.classList.add("chosen");
    var pick = $("catpick");
    if (pick) pick.parentNode.removeChild(pick);
    close();
    catQ.removeAttribute("aria-invalid");
    refreshSide();
  }
  function render() {
    list.innerHTML = "";
    if (!items.length) {
      var none = el("li", "none", T.tNomatch);
      none.setAttribute("aria-disabled", "true");
      list.appendChild(none);
    }
    items.forEach(function (c, i) {
      var li = el("li");
      li.id = "cat-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.appendChild(el("strong", null, c.name));
      li.appendChild(el("span", "path", c.path + " · " + c.code));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = false;
    catQ.setAttribute("aria-expanded", items.length ? "true" : "false");
    highlight(-1);
  }
  var seq = 0;
  var suggest = debounce(function () {
    var q = catQ.value.trim(), mine = ++seq;
    if (!q) { items = []; close(); return; }
    getJSON("/staff/console/categories?q=" + encodeURIComponent(q)).then(function (xs) {
      if (mine !== seq) return;
      items = xs || [];
      render();
    });
  }, 120);
  catQ.addEventListener("input", function () {
    catCode.value = "";
    chosen.classList.remove("chosen");
    chosen.textContent = "";
    suggest();
  });
  catQ.addEventListener("keydown", function (e) {
    if (e.isComposing) return;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open()) { if (items.length) render(); else suggest(); return; }
        highlight(active + 1 >= items.length ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!open()) return;
        e.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
        break;
      case "Enter":
        if (open()) {
          eat(e);
          choose(active >= 0 ? active : 0);
        } else if (!catCode.value && catQ.value.trim()) {
          eat(e);
          submitAs("op", "auto"); // the server lists the matches
        }
        break;
      case "Escape":
        if (open()) { e.preventDefault(); close(); }
        break;
      case "Tab":
        if (open() && active >= 0) choose(active);
        else close();
        break;
    }
  });
  catQ.addEventListener("blur", function () { setTimeout(close, 150); });

  // 3. Knowledge base and possible duplicates beside the form.
  var kbList = $("kb-list"), kbSeq = 0;
  function showArticles(xs) {
    kbList.innerHTML = "";
    var empty = $("kb-empty");
    if (empty) empty.hidden = xs.length > 0;
    if (!xs.length && !empty) {
      empty = el("p", "muted small", T.tNone);
      empty.id = "kb-empty";
      kbList.parentNode.appendChild(empty);
    }
    xs.forEach(function (a) {
      var li = el("li");
      li.appendChild(el("strong", null, a.title));
      if (a.stale) li.appendChild(el("span", "kb-stale", " " + kbList.getAttribute("data-t-stale")));
      li.appendChild(el("p", "kb-body", a.body));
      var b = el("button", "btn small", T.tInsert);
      b.name = "use_kb";
      b.value = a.id;
      b.dataset.body = a.body;
      li.appendChild(b);
      kbList.appendChild(li);
    });
  }
  function refreshKB() {
    var mine = ++kbSeq;
    var url = "/staff/console/kb?q=" + encodeURIComponent(desc.value.trim().slice(0, 4000)) +
      "&category_code=" + encodeURIComponent(catCode.value);
    getJSON(url).then(function (xs) { if (mine === kbSeq) showArticles(xs || []); });
  }
  var dupSeq = 0;
  function refreshDups() {
    var community = $("community").value || $("street").value;
    var box = $("dups-live");
    if (!desc.value.trim() || !community) { box.hidden = true; return; }
    var data = new URLSearchParams();
    ["csrf", "category_code", "description", "street", "community", "address", "kind"].forEach(function (n) {
      var f = form.elements[n];
      if (f && f.value !== undefined) data.set(n, f.value);
    });
    var k = form.querySelector('input[name="kind"]:checked');
    if (k) data.set("kind", k.value);
    var mine = ++dupSeq;
    fetch("/staff/console/duplicates", { method: "POST", credentials: "same-origin", body: data,
      headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (xs) {
        if (mine !== dupSeq) return;
        var ul = $("dup-list");
        ul.innerHTML = "";
        box.hidden = !xs.length;
        xs.forEach(function (d) {
          var li = el("li");
          var top = el("div", "dup-top");
          var a = el("a", "mono", d.number);
          a.href = d.url;
          top.appendChild(a);
          top.appendChild(el("span", "badge st-" + d.status, d.status_label));
          top.appendChild(el("span", "muted small", d.similarity + "% " + T.tSim + " · " + d.distance));
          li.appendChild(top);
          li.appendChild(el("p", "small", d.description.length > 60 ? d.description.slice(0, 60) + "…" : d.description));
          if (T.canMerge) {
            var b = el("button", "btn small", T.tMerge);
            b.name = "merge_into";
            b.value = d.number;
            li.appendChild(b);
          }
          ul.appendChild(li);
        });
      });
  }
  // The router's suggestions for the words typed: a category to use with
  // one press, the units it would expect to handle it.
  var routeSeq = 0;
  function refreshRoute() {
    var box = $("route-live");
    if (!box) return;
    var text = desc.value.trim();
    if (!text) { box.hidden = true; return; }
    var mine = ++routeSeq;
    var area = $("community").value || $("street").value;
    getJSON("/staff/console/route?text=" + encodeURIComponent(text.slice(0, 2000)) + "&area=" + encodeURIComponent(area))
      .then(function (r) {
        if (mine !== routeSeq) return;
        var cats = (r && r.categories) || [], units = (r && r.units) || [];
        box.hidden = !cats.length;
        var ul = $("route-cats");
        ul.innerHTML = "";
        cats.forEach(function (c) {
          var li = el("li");
          li.appendChild(el("span", "pct mono", c.percent + "%"));
          li.appendChild(el("span", null, c.path));
          var b = el("button", "btn small", T.tUse);
          b.type = "button";
          b.setAttribute("aria-label", T.tUse + " " + c.path);
          b.addEventListener("click", function () {
            catQ.value = c.name;
            catCode.value = c.code;
            chosen.textContent = "✓ " + c.path + " · " + c.code;
            chosen.classList.add("chosen");
            catQ.removeAttribute("aria-invalid");
            refreshKB();
            refreshDups();
          });
          li.appendChild(b);
          ul.appendChild(li);
        });
        var uu = $("route-units");
        uu.innerHTML = "";
        units.forEach(function (u) {
          var li = el("li");
          li.appendChild(el("span", "pct mono", u.percent + "%"));
          li.appendChild(el("span", null, u.name));
          uu.appendChild(li);
        });
      });
  }
  var refreshSide = function () { refreshKB(); refreshDups(); refreshRoute(); };
  desc.addEventListener("input", debounce(refreshSide, 400));
  $("community").addEventListener("change", function () { refreshDups(); refreshRoute(); });
  $("street").addEventListener("change", refreshDups);

  // An article becomes the reply: a consultation answered on the spot.
  form.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest('button[name="use_kb"]');
    if (!b) return;
    e.preventDefault();
    reply.value = b.dataset.body || "";
    var c = form.querySelector('input[name="kind"][value="consultation"]');
    if (c) { c.checked = true; kindChanged(); }
    reply.focus();
  });

  // 4. Kind: keys 1–5 while a kind has the focus.
  var kinds = form.querySelectorAll('input[name="kind"]');
  function kindChanged() {
    var c = form.querySelector('input[name="kind"]:checked');
    $("answer-box").classList.toggle("on", !!c && c.value === "consultation");
  }
  for (var i = 0; i < kinds.length; i++) {
    kinds[i].addEventListener("change", kindChanged);
    kinds[i].addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var r = form.querySelector('input[name="kind"][data-key="' + e.key + '"]');
      if (r) { eat(e); r.checked = true; r.focus(); kindChanged(); }
    });
  }

  // 5. Enter on a select submits like Enter in a field; Ctrl+Enter in a
  // text area saves.
  form.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.isComposing) return;
    var t = e.target;
    if (t.tagName === "SELECT") { eat(e); submitAs("op", "auto"); }
    if (t.tagName === "TEXTAREA" && (e.ctrlKey || e.metaKey)) {
      eat(e);
      submitAs("op", t.id === "reply_text" ? "answer" : "save");
    }
  });

  // 6. Alt+letter shortcuts: the accesskeys, for where the browser does not
  // take them itself (it marks the keydown as handled when it does).
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented || !/^Key[A-Z]$/.test(e.code || "")) return;
    var target = document.querySelector('[accesskey="' + e.code.slice(3).toLowerCase() + '"]');
    if (!target) return;
    e.preventDefault();
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) target.focus();
    else target.click();
  });

  // 7. After a refusal the cursor is in the first wrong field the server
  // named (its autofocus), even where the browser gave the focus elsewhere
  // or the field was in a part this script showed or hid.
  var wrong = form.querySelector("[autofocus]");
  if (wrong && form.querySelector('[aria-invalid="true"]') && document.activeElement !== wrong) wrong.focus();

  // The knowledge base for what is already on the form (after a reload).
  if (!kbList.children.length && (desc.value.trim() || catCode.value)) refreshKB();
})();
