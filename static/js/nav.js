// The top bar's menus (<details data-nav-menu>): one open at a time; a click elsewhere or Escape closes it
// (Escape gives the focus back to the menu's button). Without JavaScript they still open and close.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("details[data-nav-menu]"); }
  function closeAll(except) {
    menus().forEach(function (menu) { if (menu !== except) menu.open = false; });
  }
  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest("details[data-nav-menu]");
    closeAll(inside);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details[data-nav-menu][open]");
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });
})();
