// The top bar's search (intimacy_ops/search): "/" focuses the box from anywhere on the page, unless the
// person is typing in another field; Escape leaves the box. The form is a plain GET without this file.
(function () {
  "use strict";

  var NOT_TYPED = ["checkbox", "radio", "button", "submit", "reset", "file", "range", "color", "image"];

  function typingSomewhere(target) {
    if (!target || target === document.body) return false;
    if (target.isContentEditable) return true;
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    // A checkbox or a button has the focus but takes no text: "/" still means search.
    return tag === "INPUT" && NOT_TYPED.indexOf((target.type || "text").toLowerCase()) === -1;
  }

  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("topbar-q");
    if (!box) return;
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typingSomewhere(event.target)) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && event.target === box) {
      box.blur();
    }
  });
})();
