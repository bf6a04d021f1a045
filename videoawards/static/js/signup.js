// Sign-up: show the guardian's email field only to people who may be below the age of
// digital consent of their country (the server decides; this only hides a field that
// does not apply). Without JavaScript the field is always shown.
(function () {
  "use strict";
  var rules = document.getElementById("consent-rules");
  var field = document.getElementById("id_guardian_email");
  var year = document.getElementById("id_birth_year");
  var country = document.getElementById("id_country");
  if (!rules || !field || !year || !country) return;
  var data = JSON.parse(rules.textContent);
  var wrapper = field.closest("div") || field.parentElement;

  function needsGuardian() {
    var born = parseInt(year.value, 10);
    if (!born) return true;
    var age = data.ages[country.value] || data.default_age;
    // Only the birth year is known: count the younger of the two possible ages.
    return data.this_year - born - 1 < age;
  }

  function update() {
    var show = needsGuardian() || field.value !== "" || field.getAttribute("aria-invalid") === "true";
    wrapper.hidden = !show;
  }

  year.addEventListener("change", update);
  country.addEventListener("change", update);
  update();
})();
