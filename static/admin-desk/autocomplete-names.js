// Select2's box takes its accessible name from the chosen value, and has none while nothing
// is chosen (axe: aria-input-field-name). Name it after the field's label instead, once
// Django's autocomplete.js has built the boxes: its jQuery "ready" handler was registered
// while the page was parsed, this deferred script registers after it, so runs after it.
(function () {
  function nameBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (!label) {
        return;
      }
      var name = label.textContent.replace(/:\s*$/, "").trim();
      select.parentElement
        .querySelectorAll(".select2-selection[role=combobox], .select2-selection__rendered")
        .forEach(function (part) {
          part.setAttribute("aria-label", name);
        });
    });
  }
  if (window.django && window.django.jQuery) {
    window.django.jQuery(nameBoxes);
  }
})();
