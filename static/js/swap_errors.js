/* Forms posted by htmx answer 400 with the form and its errors: swap it in (htmx leaves 4xx out by default)
   for targets inside an element marked data-swap-errors (the dashboard's body, the customer page's
   feedback and links cards). Loaded once by base.html. */
(function () {
  if (window.ioSwapErrors) return;
  window.ioSwapErrors = true;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
