// Bulk actions on a work list (issue 18): "select all on this page" ticks every row of the bulk form (rows
// may sit outside it, tied by `form="…"`), and the bar says how many are selected. Without JavaScript the
// rows are still ticked one by one and the server counts them.
(function () {
  "use strict";
  function wire(form) {
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-bulk-count]");
    function boxes() {
      return Array.prototype.filter.call(form.elements, function (el) { return el.name === "ids" && el.type === "checkbox"; });
    }
    function update() {
      var list = boxes();
      var ticked = list.filter(function (box) { return box.checked; }).length;
      if (count) { count.textContent = ticked + " selected"; }
      if (all) {
        all.checked = ticked > 0 && ticked === list.length;
        all.indeterminate = ticked > 0 && ticked < list.length;
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    document.addEventListener("change", function (event) {
      if (event.target.name === "ids" && event.target.form === form) { update(); }
    });
    update();
  }
  function start() { Array.prototype.forEach.call(document.querySelectorAll("form[data-bulk]"), wire); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
