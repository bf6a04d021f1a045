// Small behaviour for every page. No inline scripts or handlers: the CSP forbids them.
"use strict";

// Selects marked data-submit-on-change send their form at once (the language switcher).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change")) {
    field.form.submit();
  }
});

