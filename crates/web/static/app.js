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
  // Nothing typed is lost: every form that is sent (not the login, not file uploads) keeps
  // a draft of what was typed in this browser, so that a session that timed out, a page
  // that expired or a closed tab gives it back. The draft is dropped once the server
  // confirms the save (the next page says ?saved=1) or the person discards it.
  var DRAFT = "jg-draft:";
  var DAY = 24 * 60 * 60 * 1000;
  var store = null;
  try { store = window.localStorage; } catch (err) { store = null; }
  var draftable = function (form) {
    return (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft") &&
      !form.querySelector("input[type=password], input[type=file]") &&
      form.querySelector("textarea, input[type=text], input[type=date], input[type=number], select, input[type=checkbox], input[type=radio]");
  };
  var fields = function (form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "_csrf" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
    });
  };
  var keyOf = function (form) { return DRAFT + location.pathname + "|" + form.getAttribute("action"); };
  if (store) {
    if (/[?&](saved|changed)=1/.test(location.search)) {
      Object.keys(store).forEach(function (k) {
        if (k.indexOf(DRAFT) === 0) {
          try { if (JSON.parse(store.getItem(k)).sent) { store.removeItem(k); } } catch (err) { store.removeItem(k); }
        }
      });
    }
    document.querySelectorAll("form").forEach(function (form) {
      if (!draftable(form)) { return; }
      var key = keyOf(form);
      var save = function (sent) {
        var values = {};
        fields(form).forEach(function (el) {
          if (el.type === "checkbox" || el.type === "radio") {
            if (el.checked) { values[el.name + "=" + el.value] = true; } else { values[el.name + "=" + el.value] = false; }
          } else { values[el.name] = el.value; }
        });
        try { store.setItem(key, JSON.stringify({ at: Date.now(), sent: !!sent, values: values })); } catch (err) { /* full */ }
      };
      var saved = null;
      try { saved = JSON.parse(store.getItem(key) || "null"); } catch (err) { saved = null; }
      if (saved && saved.values && Date.now() - saved.at < DAY) {
        var changed = false;
        fields(form).forEach(function (el) {
          if (el.type === "checkbox" || el.type === "radio") {
            var v = saved.values[el.name + "=" + el.value];
            if (typeof v === "boolean" && el.checked !== v) { el.checked = v; changed = true; }
          } else if (Object.prototype.hasOwnProperty.call(saved.values, el.name) && el.value !== saved.values[el.name]) {
            el.value = saved.values[el.name]; changed = true;
          }
        });
        if (changed) {
          var note = document.createElement("p");
          note.className = "notice";
          note.setAttribute("role", "status");
          note.setAttribute("data-testid", "draft-restored");
          note.textContent = "已恢复您上次未提交的内容。";
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "secondary";
          discard.textContent = "放弃这些内容";
          discard.addEventListener("click", function () { store.removeItem(key); location.reload(); });
          note.appendChild(document.createTextNode(" "));
          note.appendChild(discard);
          form.parentNode.insertBefore(note, form);
        }
      }
      form.addEventListener("input", function () { save(false); });
      form.addEventListener("change", function () { save(false); });
      form.addEventListener("submit", function () { save(true); });
    });
  }
  // 打印: the browser's own print, at A4 (the print style hides the menus).
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // A job in the background (a dossier being built): its bar follows the server's
  // progress, and the page reloads to its result when the job ends. Without this script
  // the page's own refresh does the same, less smoothly.
  document.querySelectorAll("[data-poll]").forEach(function (box) {
    var bar = box.querySelector("progress");
    var label = box.querySelector("[data-poll-label]");
    var tick = function () {
      fetch(box.getAttribute("data-poll"), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (bar) { bar.max = Math.max(j.total, 1); bar.value = j.done; }
          if (label) { label.textContent = j.percent + "%  " + (j.stage || ""); }
          if (j.state !== "running") { location.reload(); } else { setTimeout(tick, 500); }
        })
        .catch(function () { setTimeout(tick, 2000); });
    };
    setTimeout(tick, 300);
  });
  // Move focus to the error summary so screen readers and keyboards land on it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
