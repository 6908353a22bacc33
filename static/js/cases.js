// Intake form: after the server checked a field (htmx swapped its error text in), mark the
// field invalid or valid for assistive technology, as the full-page render does.
document.addEventListener("htmx:afterSwap", function (event) {
  var slot = event.detail.target;
  if (!slot || !slot.classList || !slot.classList.contains("field-error")) return;
  var invalid = slot.textContent.trim() !== "";
  document.querySelectorAll('[aria-describedby~="' + slot.id + '"]').forEach(function (field) {
    if (invalid) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  });
});
