// Advice on a reply as it is typed: under each reply box of the staff
// ticket page, the three scores and what to add, from POST
// /staff/reply-quality (advice only, never stored). Without this script the
// box stays hidden and the form works as before.
(function () {
  'use strict';
  function bind() {
    document.querySelectorAll('[data-rq-for]').forEach(function (box) {
      if (box.dataset.bound) return;
      box.dataset.bound = '1';
      var area = document.getElementById(box.dataset.rqFor);
      if (!area || !area.form) return;
      var timer = 0, seq = 0;
      function show(q) {
        ['overall', 'relevance', 'completeness', 'clarity'].forEach(function (k) {
          box.querySelector('[data-rq="' + k + '"]').textContent = q[k];
        });
        var ul = box.querySelector('[data-rq-advice]');
        ul.textContent = '';
        q.advice.forEach(function (a) {
          var li = document.createElement('li');
          li.textContent = a;
          ul.appendChild(li);
        });
        ul.hidden = !q.advice.length;
        box.querySelector('[data-rq-good]').hidden = q.advice.length > 0;
        box.classList.toggle('rq-low', q.overall < 50);
        box.classList.toggle('rq-high', q.overall >= 80);
        box.hidden = false;
      }
      function ask() {
        var text = area.value;
        if (!text.trim()) { box.hidden = true; return; }
        var data = new URLSearchParams();
        var csrf = area.form.elements.csrf;
        data.set('csrf', csrf ? csrf.value : '');
        data.set('number', box.dataset.ticket);
        data.set('reply_text', text);
        var mine = ++seq;
        fetch('/staff/reply-quality', { method: 'POST', credentials: 'same-origin', body: data,
          headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (q) { if (q && mine === seq) show(q); })
          .catch(function () {});
      }
      area.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(ask, 400);
      });
      // A template chosen from the list fills the box without an input event.
      area.form.addEventListener('click', function (e) {
        if (e.target.closest && e.target.closest('a[data-text]')) setTimeout(ask, 0);
      });
      if (area.value.trim()) ask();
    });
  }
  bind();
  // The staff ticket page's content is replaced in place after an action (ticketflow.js).
  document.addEventListener('gongzhi:content', bind);
})();
