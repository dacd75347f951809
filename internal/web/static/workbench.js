// The workbench: "select all on this page" checks the boxes in place; without
// JavaScript its link reloads the page with every box checked.
(function () {
  var link = document.getElementById('select-all');
  var form = document.getElementById('batch');
  if (!link || !form) return;
  link.setAttribute('role', 'button');
  link.addEventListener('click', function (e) {
    e.preventDefault();
    var boxes = form.querySelectorAll('input[type=checkbox][name=number]');
    var all = true;
    boxes.forEach(function (b) { all = all && b.checked; });
    boxes.forEach(function (b) { b.checked = !all; });
    link.textContent = all ? link.dataset.on : link.dataset.off;
  });
})();
