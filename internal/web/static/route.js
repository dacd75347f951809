// The router's categories for a form whose category is a select (the grid
// patrol's report): as the description is typed, the likeliest categories
// appear under it, each chosen with one press. Without this file the form
// is as it was.
(function () {
  "use strict";
  var box = document.querySelector(".route-suggest");
  if (!box || !window.fetch) return;
  var text = document.getElementById(box.dataset.text), sel = document.getElementById(box.dataset.select),
    area = document.getElementById(box.dataset.area);
  if (!text || !sel) return;
  var timer = null, seq = 0;
  function show(cats) {
    box.textContent = "";
    box.hidden = !cats.length;
    if (!cats.length) return;
    var h = document.createElement("p");
    h.className = "small muted";
    h.textContent = box.dataset.tTitle;
    box.appendChild(h);
    cats.forEach(function (c) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn small";
      b.textContent = box.dataset.tUse + " " + c.path + " · " + c.percent + "%";
      b.addEventListener("click", function () {
        sel.value = c.code;
        sel.dispatchEvent(new Event("change", { bubbles: true }));
      });
      box.appendChild(b);
    });
  }
  function ask() {
    var q = text.value.trim();
    if (q.length < 2) { show([]); return; }
    var mine = ++seq;
    var url = "/staff/console/route?text=" + encodeURIComponent(q.slice(0, 2000)) + "&area=" + encodeURIComponent(area ? area.value : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (r) {
        if (mine !== seq || !r) return;
        show((r.categories || []).filter(function (c) {
          return sel.querySelector('option[value="' + c.code + '"]');
        }));
      })
      .catch(function () {});
  }
  text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 400); });
})();
