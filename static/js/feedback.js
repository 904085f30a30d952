// The confirmation queue (templates/feedback/queue.html): j/k move between rows, and on a focused row
// c confirms, p / u / n correct to positive / neutral / negative (the row's own buttons are pressed, so the
// same htmx request is sent as by a click). Keys typed into a field are left alone.
(function () {
  "use strict";
  function rows(queue) { return Array.prototype.slice.call(queue.querySelectorAll("li[data-testid='queue-row']")); }
  function currentRow(queue) {
    var active = document.activeElement;
    return active && queue.contains(active) ? active.closest("li") : null;
  }
  document.addEventListener("keydown", function (event) {
    var queue = document.querySelector("[data-keyboard-queue]");
    if (!queue || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var all = rows(queue);
    if (!all.length) { return; }
    var row = currentRow(queue);
    var key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      var index = row ? all.indexOf(row) : -1;
      var next = all[Math.max(0, Math.min(all.length - 1, index + (key === "j" ? 1 : -1)))];
      if (next) { next.focus(); event.preventDefault(); }
      return;
    }
    row = row || all[0];
    var button = row.querySelector("button[data-key='" + key + "']");
    if (button) {
      event.preventDefault();
      var following = all[all.indexOf(row) + 1];
      button.click();
      if (following) { following.focus(); }
    }
  });
  // After htmx swaps a settled row in, keep it focusable for the reader.
  document.addEventListener("htmx:afterSwap", function (event) {
    var li = event.target && event.target.closest ? event.target.closest("li[data-testid='queue-row']") : null;
    if (li) { li.setAttribute("tabindex", "0"); }
  });
})();
