// The conversation panel (templates/conversation/_panel.html): typing "@" and the start of a name asks the
// server (htmx) for the people who can see the object; picking one writes "@username " in the comment.
(function () {
  "use strict";
  var TOKEN = /(^|\s)@([\w.+-]*)$/;

  function tokenBefore(area) {
    var match = TOKEN.exec(area.value.slice(0, area.selectionStart));
    return match ? { start: area.selectionStart - match[2].length - 1, text: match[2] } : null;
  }

  function init() {
    document.querySelectorAll("form[data-people-url]").forEach(function (form) {
      var area = form.querySelector("textarea[data-mention-source]");
      var list = form.querySelector("#mention-suggestions");
      if (!area || !list) return;
      var timer = null;
      area.addEventListener("input", function () {
        clearTimeout(timer);
        var token = tokenBefore(area);
        if (!token || !token.text) { list.innerHTML = ""; return; }
        timer = setTimeout(function () {
          htmx.ajax("GET", form.dataset.peopleUrl + "?q=" + encodeURIComponent(token.text), { target: list, swap: "innerHTML" });
        }, 200);
      });
      list.addEventListener("click", function (event) {
        var button = event.target.closest("[data-mention]");
        if (!button) return;
        var token = tokenBefore(area);
        var start = token ? token.start : area.selectionStart;
        var insert = "@" + button.dataset.mention + " ";
        area.value = area.value.slice(0, start) + insert + area.value.slice(area.selectionStart);
        var caret = start + insert.length;
        area.focus();
        area.setSelectionRange(caret, caret);
        list.innerHTML = "";
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
