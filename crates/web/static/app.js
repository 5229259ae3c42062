// jianguan: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // Ask before voiding a record: voiding cannot be undone.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  });
  // Move focus to the error summary so screen readers and keyboards land on it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
