// Reply templates: on a ticket's reply form, choosing a template fills the
// reply box without a reload (the link reloads the page with ?tpl=ID when
// this script does not run), and the preview follows the box as it is
// edited. On /staff/replies, the preview fills the placeholders with the
// example ticket's values as the text is typed.
(function () {
  'use strict';
  function fmt(format, s) { return format.replace('%s', s); }

  function bindChoosers() {
    document.querySelectorAll('ul[data-tpl-for]').forEach(function (list) {
      if (list.dataset.bound) return;
      list.dataset.bound = '1';
      var box = document.getElementById(list.dataset.tplFor);
      var pv = document.getElementById(list.dataset.tplFor + '-preview');
      if (!box || !pv) return;
      var text = pv.querySelector('[data-preview]');
      var note = pv.querySelector('[data-missing-note]');
      function show() { text.textContent = box.value.trim() ? box.value : text.dataset.empty; }
      list.addEventListener('click', function (e) {
        var a = e.target.closest('a[data-text]');
        if (!a) return;
        e.preventDefault();
        box.value = a.dataset.text;
        list.querySelectorAll('a[aria-current]').forEach(function (x) { x.removeAttribute('aria-current'); });
        a.setAttribute('aria-current', 'true');
        note.hidden = !a.dataset.missing;
        if (a.dataset.missing) note.textContent = fmt(note.dataset.format, a.dataset.missing);
        show();
        box.focus();
      });
      box.addEventListener('input', function () { note.hidden = true; show(); });
    });
  }
  bindChoosers();
  // The staff ticket page's content is replaced in place after an action (ticketflow.js).
  document.addEventListener('gongzhi:content', bindChoosers);

  var form = document.querySelector('form[data-example]');
  if (form) {
    var values = JSON.parse(form.dataset.example);
    var body = form.querySelector('textarea[name=body]');
    var out = document.getElementById('rt-preview-text');
    var live = function () {
      var s = body.value.replace(/\{([^{}]*)\}/g, function (m, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : m;
      });
      out.textContent = s.trim() ? s : out.dataset.empty;
    };
    body.addEventListener('input', live);
    form.querySelectorAll('button[data-ph]').forEach(function (b) {
      b.hidden = false;
      b.addEventListener('click', function () {
        var at = body.selectionStart || body.value.length;
        body.value = body.value.slice(0, at) + b.dataset.ph + body.value.slice(body.selectionEnd || at);
        body.focus();
        body.selectionStart = body.selectionEnd = at + b.dataset.ph.length;
        live();
      });
    });
    live();
  }
})();
