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
  // Photo uploads: record the phone's own time, and its position when the person allows
  // it, so that evidence can be checked against the project's location. Without
  // permission (or without this script) the upload still works.
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    var set = function (name, value) {
      var input = form.querySelector("input[name='" + name + "']");
      if (input) { input.value = value; }
    };
    var ask = function () {
      set("device_time", new Date().toISOString());
      if (!navigator.geolocation) { return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        set("device_latitude", String(p.coords.latitude));
        set("device_longitude", String(p.coords.longitude));
      }, function () {}, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    };
    var file = form.querySelector("input[type=file]");
    if (file) { file.addEventListener("change", ask); }
    form.addEventListener("submit", function () { set("device_time", new Date().toISOString()); });
  });
  // Move focus to the error summary so screen readers and keyboards land on it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
