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

/* "Save and review" works on the first click. Clicking it right after typing in a text field blurs the
   field, whose change starts an autosave; while it runs the form is busy (htmx-request), and the busy
   style made the button ignore the pointer (fixed in exceptions/_styles.html). A submit while an autosave
   is under way now waits for its answer (which carries the new draft's id, so no second draft is made, and
   replaces the URL, which must not happen under a pending navigation), then goes; once submitting, no
   further autosave starts. */
(function () {
  "use strict";

  function isRequestForm(element) {
    return element && element.matches && element.matches("[data-testid=request-form]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isRequestForm(form)) return;
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      var submitter = event.submitter;
      var done = false;
      var go = function () {
        if (done) return;
        done = true;
        window.setTimeout(function () { form.requestSubmit(submitter); }, 0);
      };
      ["htmx:afterSettle", "htmx:responseError", "htmx:sendError", "htmx:afterRequest"].forEach(function (name) {
        form.addEventListener(name, function (e) {
          // afterRequest comes before the swap settles (and the URL is replaced): wait for settle unless it failed.
          if (name === "htmx:afterRequest" && e.detail && e.detail.successful) return;
          go();
        }, { once: true });
      });
      return;
    }
    form.dataset.submitting = "true";
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isRequestForm(event.detail.elt) && event.detail.elt.dataset.submitting === "true") event.preventDefault();
  });

  /* Once the autosave has checked the fields again, the border and the banner follow what it says: a fixed
     field is no longer red, and the "Nothing was saved" banner goes once every field is fine. */
  document.addEventListener("htmx:afterSettle", function (event) {
    var form = document.querySelector("[data-testid=request-form]");
    if (!form || !form.contains(event.detail.elt)) return;
    var problems = 0;
    form.querySelectorAll("small.field-error[id^=error-]").forEach(function (error) {
      var name = error.id.slice("error-".length);
      var bad = error.textContent.trim() !== "";
      if (bad) problems += 1;
      form.querySelectorAll("[name='" + name + "']").forEach(function (field) {
        if (bad) field.setAttribute("aria-invalid", "true");
        else field.removeAttribute("aria-invalid");
      });
    });
    var saved = form.querySelector("#autosave.saved");
    if (saved || problems === 0) {
      form.querySelectorAll("[data-testid=form-errors]").forEach(function (banner) { banner.remove(); });
    }
  });
})();
