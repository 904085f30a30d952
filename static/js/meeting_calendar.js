/* Calendar feed page: selecting the secret address on focus, and the Copy button. */
(function () {
  "use strict";

  var field = document.getElementById("feed-address");
  var button = document.getElementById("copy-feed");
  var status = document.getElementById("copy-status");
  if (!field || !button || !status) return;

  field.addEventListener("focus", function () { field.select(); });
  button.addEventListener("click", function () {
    var fallback = function () { status.textContent = "Select the address and copy it (Ctrl+C)."; };
    var done = function () { status.textContent = "Copied to the clipboard."; };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      try { document.execCommand("copy"); done(); } catch (e) { fallback(); }
    }
  });
})();
