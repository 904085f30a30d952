// Bulk actions on a work list (issue 18): "select all on this page" ticks every row of the form, and the bar
// says how many are selected. Without JavaScript the rows are still ticked one by one and the server counts.
(function () {
  "use strict";
  function wire(form) {
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-bulk-count]");
    var boxes = function () { return Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="ids"]')); };
    function update() {
      var ticked = boxes().filter(function (box) { return box.checked; }).length;
      if (count) { count.textContent = ticked + " selected"; }
      if (all) {
        all.checked = ticked > 0 && ticked === boxes().length;
        all.indeterminate = ticked > 0 && ticked < boxes().length;
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "ids") { update(); }
    });
    update();
  }
  function start() { Array.prototype.forEach.call(document.querySelectorAll("form[data-bulk]"), wire); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
