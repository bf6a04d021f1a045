// Small behaviour for every page. No inline scripts or handlers: the CSP forbids them.
"use strict";

// Selects marked data-submit-on-change send their form at once (the language switcher).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change")) {
    field.form.submit();
  }
});


// Forms marked data-confirm ask first (e.g. giving up a workshop place).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
