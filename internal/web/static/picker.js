// The unit picker: a type-ahead over the forms that choose a unit
// (派单、改派、同意退回、增加协办、升级督办、吹哨报到). It finds units by name,
// pinyin or pinyin initials through GET /staff/orgs and shows them grouped,
// the dispatch catalogue's suggestion first. It enhances what the page
// already has: a <select name="org_code"> (one unit) or a fieldset of
// org_codes checkboxes (several, shown as chips). Without JavaScript the
// select and the checkboxes work as they are.
(function () {
  "use strict";
  var seq = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }
  function fill(s, name, value) { return (s || "").replace("{" + name + "}", value); }

  // Picker builds the combobox; host holds the words (data-*) and the URL.
  function Picker(host, url, multi, onPick) {
    var id = host.id ? host.id + "-pick" : "pick" + (++seq);
    this.words = host.dataset;
    this.url = url;
    this.multi = multi;
    this.onPick = onPick;
    this.items = [];
    this.active = -1;
    this.query = null;
    this.timer = 0;
    this.wrap = el("div", { "class": "picker" });
    this.input = el("input", {
      id: id, type: "text", role: "combobox", autocomplete: "off", spellcheck: "false",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-list",
      "aria-describedby": id + "-status", placeholder: this.words.ph || ""
    });
    this.list = el("div", { id: id + "-list", role: "listbox", "class": "picker-list", hidden: "" });
    this.status = el("p", { id: id + "-status", "class": "picker-status", role: "status", "aria-live": "polite" });
    this.wrap.appendChild(this.input);
    this.wrap.appendChild(this.list);
    this.wrap.appendChild(this.status);
    var self = this;
    this.input.addEventListener("input", function () { self.changed(); });
    this.input.addEventListener("keydown", function (e) { self.key(e); });
    // The Enter that picked a unit does not also send the form (a keypress
    // that follows a keydown whose default was prevented).
    this.input.addEventListener("keypress", function (e) { if (e.key === "Enter" && self.picked) e.preventDefault(); });
    this.input.addEventListener("keyup", function () { self.picked = false; });
    this.input.addEventListener("click", function () { if (self.list.hidden) self.search(); });
    // Coming to a chosen unit, typing replaces it.
    this.input.addEventListener("focus", function () { if (self.input.value) self.input.select(); });
    this.input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
    // A press on an option keeps the focus in the input.
    this.list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    this.list.addEventListener("mousemove", function (e) {
      var o = e.target.closest("[role=option]");
      if (o && Number(o.dataset.i) !== self.active) self.move(Number(o.dataset.i), true);
    });
    this.list.addEventListener("click", function (e) {
      var o = e.target.closest("[role=option]");
      if (o) self.pick(Number(o.dataset.i));
    });
  }

  Picker.prototype.changed = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.search(); }, 120);
    if (!this.multi) this.onPick(null);
  };

  Picker.prototype.search = function () {
    var q = this.input.value.trim(), self = this, mine = ++this.asked;
    var url = this.url + "&q=" + encodeURIComponent(this.multi || !this.chosen ? q : (q === this.chosen ? "" : q));
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (ans) { if (mine === self.asked) self.show(ans); })
      .catch(function () {
        if (mine !== self.asked) return;
        self.close();
        self.say(self.words.error);
        if (self.onFail) self.onFail();
      });
  };
  Picker.prototype.asked = 0;

  Picker.prototype.show = function (ans) {
    var self = this, group = null, box = null;
    this.items = ans.items || [];
    this.list.textContent = "";
    this.items.forEach(function (it, i) {
      var g = it.suggested ? "suggested" : it.group;
      if (g !== group) {
        group = g;
        var label = it.suggested ? self.words.suggested : it.group_label;
        box = el("div", { role: "group", "aria-label": label, "class": "picker-group" });
        box.appendChild(el("div", { "class": "picker-group-label", "aria-hidden": "true" }, label));
        self.list.appendChild(box);
      }
      var o = el("div", { role: "option", id: self.input.id + "-o" + i, "class": "picker-option", "aria-selected": "false" });
      o.dataset.i = i;
      o.appendChild(el("span", { "class": "picker-name" }, it.name));
      if (it.suggested) o.appendChild(el("span", { "class": "picker-tag" }, "★ " + self.words.suggested));
      if (it.current) {
        o.setAttribute("aria-disabled", "true");
        o.appendChild(el("span", { "class": "picker-tag" }, self.words.current));
      }
      box.appendChild(o);
    });
    this.open(this.items.length > 0);
    this.move(this.items.findIndex(function (it) { return !it.current; }));
    var msg = this.items.length ? fill(this.words.count, "n", this.items.length) : this.words.none;
    if (ans.more) msg += " " + fill(this.words.more, "n", this.items.length);
    this.say(msg);
  };

  Picker.prototype.open = function (on) {
    this.list.hidden = !on;
    this.input.setAttribute("aria-expanded", on ? "true" : "false");
    if (!on) { this.input.removeAttribute("aria-activedescendant"); this.active = -1; }
  };
  Picker.prototype.close = function () { this.open(false); };
  Picker.prototype.say = function (msg) { this.status.textContent = msg || ""; };

  Picker.prototype.move = function (i, byMouse) {
    var opts = this.list.querySelectorAll("[role=option]");
    if (!opts.length || i < 0) return;
    i = Math.max(0, Math.min(opts.length - 1, i));
    if (this.active >= 0 && opts[this.active]) opts[this.active].setAttribute("aria-selected", "false");
    this.active = i;
    opts[i].setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", opts[i].id);
    if (!byMouse) opts[i].scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.key = function (e) {
    var open = !this.list.hidden;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        e.preventDefault();
        if (!open) { this.search(); return; }
        this.move(this.active + (e.key === "ArrowDown" ? 1 : -1));
        return;
      case "Home":
      case "End":
        if (open && e.ctrlKey) { e.preventDefault(); this.move(e.key === "Home" ? 0 : this.items.length - 1); }
        return;
      case "Enter":
        if (open && this.active >= 0) { e.preventDefault(); this.picked = true; this.pick(this.active); }
        return;
      case "Escape":
        if (open) { e.preventDefault(); e.stopPropagation(); this.close(); return; }
        if (!this.multi && this.chosen != null && this.input.value !== this.chosen) {
          e.preventDefault(); this.input.value = this.chosen; this.onPick(this.chosenItem);
        }
        return;
    }
  };

  Picker.prototype.pick = function (i) {
    var it = this.items[i];
    if (!it || it.current) return;
    clearTimeout(this.timer);
    this.asked++; // an answer still on its way is for words no longer there
    this.close();
    if (this.multi) {
      this.input.value = "";
      this.onPick(it);
      return;
    }
    this.chosen = it.name;
    this.chosenItem = it;
    this.input.value = it.name;
    this.onPick(it);
    this.say("");
  };

  // One unit: the select stays in the form, hidden, and takes the choice.
  function single(sel) {
    var p = new Picker(sel, sel.dataset.picker, false, function (it) {
      sel.value = it ? it.code : "";
      p.input.setCustomValidity(!it && p.input.value.trim() ? sel.dataset.invalid : "");
    });
    var label = document.querySelector("label[for='" + sel.id + "']");
    if (label) label.htmlFor = p.input.id;
    // The select keeps the choice and the form checks it as it is sent:
    // a unit must be picked from the list, not just typed.
    var required = sel.required;
    if (required) p.input.setAttribute("aria-required", "true");
    sel.required = false;
    if (sel.form) sel.form.addEventListener("submit", function (e) {
      if (!required || sel.value) return;
      e.preventDefault();
      p.input.setCustomValidity(sel.dataset.invalid);
      p.input.reportValidity();
      p.input.focus();
    });
    sel.hidden = true;
    sel.setAttribute("aria-hidden", "true");
    sel.tabIndex = -1;
    var o = sel.selectedOptions[0];
    if (o && o.value) {
      var name = o.textContent.replace(/\s*★.*$/, "").trim();
      p.chosen = name;
      p.chosenItem = { code: o.value, name: name };
      p.input.value = name;
    }
    sel.parentNode.insertBefore(p.wrap, sel.nextSibling);
    // When the search fails, the whole list is there to choose from.
    p.onFail = function () {
      sel.hidden = false;
      sel.removeAttribute("aria-hidden");
      sel.removeAttribute("tabindex");
      sel.required = required;
      if (label) label.htmlFor = sel.id;
      p.input.hidden = true;
      p.input.setCustomValidity("");
      sel.focus();
    };
  }

  // Several units: chips above the search; each chip is a checked box.
  function multiple(fs) {
    var boxes = Array.prototype.slice.call(fs.querySelectorAll("input[type=checkbox][name=org_codes]"));
    var details = fs.querySelector("details");
    var chips = el("ul", { "class": "pchips", "aria-label": fs.dataset.chosen });
    var p = new Picker(fs, fs.dataset.pickerMulti, true, function (it) { add(it.code, it.name, true); });
    var label = el("label", { "for": p.input.id }, fs.dataset.find);
    function box(code) { return boxes.find(function (b) { return b.value === code; }); }
    function add(code, name, tell) {
      var b = box(code);
      if (!b) return;
      if (b.checked && chips.querySelector("[data-code='" + code + "']")) { p.say(fill(fs.dataset.added, "name", name)); return; }
      b.checked = true;
      var chip = el("li", { "class": "pchip" });
      chip.dataset.code = code;
      chip.appendChild(el("span", {}, name));
      var x = el("button", { type: "button", "class": "pchip-remove", "aria-label": fill(fs.dataset.remove, "name", name) }, "×");
      x.addEventListener("click", function () {
        b.checked = false;
        chip.remove();
        p.say(fill(fs.dataset.removed, "name", name));
        p.input.focus();
      });
      chip.appendChild(x);
      chips.appendChild(chip);
      if (tell) p.say(fill(fs.dataset.added, "name", name));
    }
    boxes.forEach(function (b) {
      if (b.checked) add(b.value, b.parentNode.textContent.trim(), false);
    });
    var at = details || fs.lastChild;
    fs.insertBefore(chips, at);
    fs.insertBefore(label, at);
    fs.insertBefore(p.wrap, at);
    if (details) {
      details.hidden = true;
      p.onFail = function () { details.hidden = false; details.open = true; };
    }
  }

  function init() {
    document.querySelectorAll("select[data-picker]:not([data-picked])").forEach(function (s) {
      s.setAttribute("data-picked", "");
      single(s);
    });
    document.querySelectorAll("fieldset[data-picker-multi]:not([data-picked])").forEach(function (f) {
      f.setAttribute("data-picked", "");
      multiple(f);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  // The staff ticket page's content is replaced in place after an action (ticketflow.js).
  document.addEventListener("gongzhi:content", init);
})();
