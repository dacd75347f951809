// Conveniences only: every page works without this file.
(function () {
  // Narrow the community list to the chosen street.
  var street = document.getElementById("street");
  var community = document.getElementById("community");
  if (street && community) {
    var filter = function () {
      var groups = community.querySelectorAll("optgroup");
      for (var i = 0; i < groups.length; i++) {
        var show = !street.value || groups[i].getAttribute("data-street") === street.value;
        groups[i].hidden = !show;
        groups[i].disabled = !show;
      }
      var sel = community.selectedOptions && community.selectedOptions[0];
      if (sel && sel.parentNode.disabled) community.value = "";
    };
    street.addEventListener("change", filter);
    community.addEventListener("change", function () {
      var sel = community.selectedOptions[0];
      if (sel && sel.parentNode.getAttribute("data-street")) street.value = sel.parentNode.getAttribute("data-street");
    });
    filter();
  }

  // Patrol: fill latitude and longitude from the browser's location. The
  // button stays hidden without JavaScript or geolocation; the community
  // and the address still place the report.
  var geo = document.getElementById("geo");
  var lat = document.getElementById("lat");
  var lng = document.getElementById("lng");
  if (geo && lat && lng && navigator.geolocation) {
    var status = document.getElementById("geo-status");
    var say = function (text) { if (status) status.textContent = text; };
    geo.hidden = false;
    geo.addEventListener("click", function () {
      geo.disabled = true;
      say(geo.getAttribute("data-busy"));
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        geo.disabled = false;
        say(geo.getAttribute("data-done") + " (±" + Math.round(pos.coords.accuracy) + " m)");
      }, function () {
        geo.disabled = false;
        say(geo.getAttribute("data-fail"));
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // On staff pages Enter on a select submits its form, as Enter in a text
  // field does, so a unit can be chosen and sent by keyboard alone (Tab, ↓,
  // Enter).
  if (document.body.classList.contains("staff")) document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "Enter" || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !t || t.tagName !== "SELECT" || t.multiple || !t.form) return;
    e.preventDefault();
    if (t.form.requestSubmit) t.form.requestSubmit(); else t.form.submit();
  });

  // A table or chart wider than the screen scrolls sideways; the keyboard
  // reaches it (Tab, then the arrow keys) when nothing in it takes focus.
  var wide = document.querySelectorAll(".table-wrap, .chartbox");
  for (var k = 0; k < wide.length; k++) {
    var box = wide[k];
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex") &&
        !box.querySelector("a[href], button, input, select, textarea")) {
      box.tabIndex = 0;
    }
  }
})();

// Filing: categories suggested live as the resident describes the problem.
// Without this script the form's "suggest" button asks the server instead.
(function () {
  var box = document.getElementById("cat-suggest");
  var text = document.getElementById("description");
  if (!box || !text || !window.fetch) return;
  var btn = document.getElementById("suggest-btn");
  if (btn) btn.hidden = true;
  var timer = null, asked = "";
  var render = function (items) {
    var checked = box.querySelector("input:checked");
    var keep = checked ? { code: checked.value, name: checked.parentNode.getAttribute("data-name") || checked.parentNode.textContent.trim() } : null;
    var seen = {};
    var list = [];
    if (keep) { list.push(keep); seen[keep.code] = true; }
    for (var i = 0; i < items.length; i++) if (!seen[items[i].code]) { list.push(items[i]); seen[items[i].code] = true; }
    box.textContent = "";
    for (var j = 0; j < list.length && j < 4; j++) {
      var label = document.createElement("label");
      label.className = "pick";
      label.setAttribute("data-name", list[j].name);
      var input = document.createElement("input");
      input.type = "radio"; input.name = "category_code"; input.value = list[j].code;
      if (keep && list[j].code === keep.code) input.checked = true;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + list[j].name));
      if (list[j].percent) {
        var conf = document.createElement("span");
        conf.className = "conf";
        conf.textContent = box.getAttribute("data-t-match").replace("{n}", list[j].percent);
        label.appendChild(conf);
      }
      box.appendChild(label);
    }
  };
  var ask = function () {
    var q = text.value.trim().slice(0, 2000);
    if (q === asked || q.length < 2) return;
    asked = q;
    fetch(box.getAttribute("data-url") + "?text=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (items) { if (items && q === asked) render(items); })
      .catch(function () { if (btn) btn.hidden = false; });
  };
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 500);
  });
})();
