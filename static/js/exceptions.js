/* Exception request form: remember which fields the person has been through, so the autosave's inline
   checks speak about those (and about filled-in ones) but not about fields they have not reached yet. */
(function () {
  "use strict";

  function mark(event) {
    var field = event.target;
    var form = field && field.form;
    if (!form || !form.matches("[data-testid=request-form]") || !field.name) return;
    var touched = form.querySelector("input[name=touched]");
    if (!touched) {
      touched = document.createElement("input");
      touched.type = "hidden";
      touched.name = "touched";
      form.appendChild(touched);
    }
    var names = touched.value ? touched.value.split(",") : [];
    if (names.indexOf(field.name) === -1) {
      names.push(field.name);
      touched.value = names.join(",");
    }
  }

  // Capture phase: the name is recorded before htmx (listening on the form) sends the autosave.
  document.addEventListener("change", mark, true);
  document.addEventListener("focusout", mark, true);
})();
