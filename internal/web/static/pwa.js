// The phone app: registers the service worker; makes photos smaller before
// they are sent; keeps a submission made with no network on the phone
// (IndexedDB) and sends it, once, when the network returns. Every
// submission carries an Idempotency-Key made here, so a resend never makes
// a second ticket. The form works without this file.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  var words = document.getElementById("next-words");
  var main = document.getElementById("main");
  if (!words || !main || !window.indexedDB || !window.fetch || !window.Promise) return;
  var w = function (k) { return words.getAttribute("data-" + k) || ""; };

  // Logging out forgets the pages kept on the phone (they may show her name).
  var outs = document.querySelectorAll('form[action="/logout"]');
  for (var i = 0; i < outs.length; i++) {
    outs[i].addEventListener("submit", function () { if (window.caches) caches.delete("gongzhi-shell-v1"); });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  // note shows a message at the top of the page; link, when given, is
  // where the message leads.
  function note(text, bad, link) {
    var n = document.getElementById("pwa-note");
    if (!n) {
      n = document.createElement("div");
      n.id = "pwa-note";
      n.setAttribute("role", "status");
      main.insertBefore(n, main.firstChild);
    }
    n.className = "pwa-note" + (bad ? " bad" : "");
    n.textContent = "";
    if (!text) { n.hidden = true; return; }
    n.hidden = false;
    var el = n;
    if (link) { el = document.createElement("a"); el.href = link; n.appendChild(el); }
    el.textContent = text;
  }

  // The outbox: submissions kept on the phone, by their key.
  function store(mode, fn) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("gongzhi", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("outbox", { keyPath: "key" }); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction("outbox", mode);
        var req = fn(tx.objectStore("outbox"));
        tx.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      };
    });
  }
  var all = function () { return store("readonly", function (s) { return s.getAll(); }); };
  var drop = function (key) { return store("readwrite", function (s) { return s.delete(key); }); };

  // shrink returns a photo whose longest side is at most 2048 px, as JPEG
  // of quality 0.8 (a 12 MP photo comes out well under 1 MB); a file it
  // cannot read goes as it is.
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var long = Math.max(bmp.width, bmp.height);
      if (long <= 2048 && file.size <= 1024 * 1024) return file;
      var k = Math.min(1, 2048 / long);
      var c = document.createElement("canvas");
      c.width = Math.round(bmp.width * k);
      c.height = Math.round(bmp.height * k);
      var g = c.getContext("2d");
      g.fillStyle = "#fff";
      g.fillRect(0, 0, c.width, c.height);
      g.drawImage(bmp, 0, 0, c.width, c.height);
      return new Promise(function (resolve) {
        c.toBlob(function (b) {
          resolve(b ? new File([b], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.8);
      });
    }).catch(function () { return file; });
  }

  function shrinkInputs(form) {
    var inputs = form.querySelectorAll("input[type=file]");
    return Promise.all(Array.prototype.map.call(inputs, function (input) {
      if (!input.files || !input.files.length || !window.DataTransfer) return null;
      return Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (small) {
        var dt = new DataTransfer();
        small.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
      });
    }));
  }

  // keep puts the form's fields and photos in the outbox under key.
  function keep(form, key) {
    var item = { key: key, at: Date.now(), fields: [], files: [] };
    new FormData(form).forEach(function (v, name) {
      if (typeof v === "string") item.fields.push([name, v]);
      else if (v && v.size) item.files.push({ field: name, name: v.name, blob: v });
    });
    return store("readwrite", function (s) { return s.put(item); });
  }

  // send posts one kept submission with a fresh CSRF token; it is dropped
  // from the outbox once the server has it (a ticket, or a refusal that
  // sending again would not change).
  function send(item) {
    return fetch("/submit", { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (page) {
      var m = page.match(/name="csrf" value="([^"]*)"/);
      var fd = new FormData();
      item.fields.forEach(function (f) { if (f[0] !== "csrf" && f[0] !== "idem_key") fd.append(f[0], f[1]); });
      fd.append("csrf", m ? m[1] : "");
      fd.append("idem_key", item.key);
      item.files.forEach(function (f) { fd.append(f.field, f.blob, f.name); });
      return fetch("/submit", { method: "POST", body: fd, credentials: "same-origin", headers: { "Idempotency-Key": item.key } });
    }).then(function (r) {
      var path = new URL(r.url).pathname;
      if (r.ok && path.indexOf("/submitted/") === 0) {
        return drop(item.key).then(function () { note(w("sent").replace("%s", path.slice(11)), false, path); });
      }
      if (r.status >= 500 || r.status === 429 || r.status === 408) return null; // the next time
      var text = "";
      item.fields.forEach(function (f) { if (f[0] === "description") text = f[1]; });
      return drop(item.key).then(function () { note(w("refused").replace("%s", text), true); });
    }, function () { return null; }); // still no network: the next time
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    all().then(function (items) {
      return items.reduce(function (p, item) { return p.then(function () { return send(item); }); }, Promise.resolve());
    }).catch(function () {}).then(function () { flushing = false; });
  }
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) flush(); }, 30000);
  all().then(function (items) {
    if (!items.length) return;
    if (navigator.onLine) flush();
    else note(w("waiting").replace("%d", items.length));
  }).catch(function () {});

  // The submission form of residents and guests.
  var form = document.querySelector('form[action="/submit"]');
  if (!form || !form.querySelector("textarea[name=description]")) return;
  var keyField = document.createElement("input");
  keyField.type = "hidden";
  keyField.name = "idem_key";
  keyField.value = newKey();
  form.appendChild(keyField);
  var busy = false;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (busy) return;
    busy = true;
    var hasPhotos = form.querySelector("input[type=file]") && Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) { return i.files && i.files.length; });
    if (hasPhotos) note(w("shrinking"));
    shrinkInputs(form).catch(function () {}).then(function () {
      if (navigator.onLine) {
        HTMLFormElement.prototype.submit.call(form); // the browser's own post: no submit event again
        return null;
      }
      return keep(form, keyField.value).then(function () {
        note(w("kept"));
        form.reset();
        keyField.value = newKey();
      });
    }).catch(function () { HTMLFormElement.prototype.submit.call(form); }).then(function () { busy = false; });
  });
})();
