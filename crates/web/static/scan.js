// jianguan: the counting screen's scanner. The page works without it (type the tag, press
// 记录). With it, the phone's camera — or a photo of the label — reads the QR code, and each
// label is recorded at once through the API without leaving the page, so counting forty
// assets is forty scans. The browser's own BarcodeDetector reads the code where it has
// one; elsewhere jsQR, served from this binary (/static/jsqr.js), never from the internet.
(function () {
  "use strict";
  var box = document.querySelector("[data-scanner]");
  if (!box) { return; }
  var countId = box.getAttribute("data-count");
  var csrf = box.getAttribute("data-csrf");
  var form = box.querySelector("[data-scan-form]");
  var status = box.querySelector("[data-scan-status]");
  var video = box.querySelector("[data-scan-video]");
  var startButton = box.querySelector("[data-scan-start]");
  var stopButton = box.querySelector("[data-scan-stop]");
  var photo = box.querySelector("[data-scan-photo]");
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });

  box.querySelectorAll("[data-scan-tools]").forEach(function (el) { el.hidden = false; });
  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) { startButton.hidden = true; }

  var say = function (text, kind) {
    status.textContent = text;
    status.className = "scan-status " + (kind || "");
  };

  // The decoder: loaded once, when first needed.
  var detector = null;
  var ready = null;
  var loadJsQR = function (done) {
    if (window.jsQR) { done(); return; }
    var s = document.createElement("script");
    s.src = "/static/jsqr.js";
    s.onload = done;
    s.onerror = done;
    document.head.appendChild(s);
  };
  var decoder = function () {
    if (ready) { return ready; }
    ready = new Promise(function (resolve) {
      if (!("BarcodeDetector" in window)) { loadJsQR(resolve); return; }
      window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) {
          detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          resolve();
        } else { loadJsQR(resolve); }
      }, function () { loadJsQR(resolve); });
    });
    return ready;
  };
  // The code in an image or a video frame, or null.
  var decode = function (source, width, height) {
    if (detector) {
      return detector.detect(source).then(function (found) {
        return found.length ? found[0].rawValue : null;
      }, function () { return null; });
    }
    if (!window.jsQR || !width || !height) { return Promise.resolve(null); }
    var scale = Math.min(1, 1024 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
    var r = window.jsQR(pixels.data, canvas.width, canvas.height, { inversionAttempts: "attemptBoth" });
    return Promise.resolve(r && r.data ? r.data : null);
  };

  var text = function (tag, value, attrs) {
    var el = document.createElement(tag);
    el.textContent = value;
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  };
  var cell = function (label, child) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (typeof child === "string") { td.textContent = child; } else { td.appendChild(child); }
    return td;
  };
  var upload = function (scanId, file, button) {
    if (!file) { return; }
    button.disabled = true;
    button.textContent = "正在上传照片…";
    fetch("/api/v1/asset-scans/" + encodeURIComponent(scanId) + "/photos?name=" + encodeURIComponent(file.name || "照片.jpg"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": file.type || "image/jpeg", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: file
    }).then(function (r) {
      return r.json().then(function (b) { return { ok: r.ok, body: b }; });
    }).then(function (r) {
      button.disabled = false;
      if (r.ok) {
        button.textContent = "已上传照片";
        button.setAttribute("data-uploaded", "1");
      } else {
        button.textContent = "拍照留证";
        say((r.body && r.body.message) || "照片没有上传成功，请重试。", "error");
      }
    }, function () {
      button.disabled = false;
      button.textContent = "拍照留证";
      say("网络中断，照片没有上传，请重试。", "error");
    });
  };
  // A new scan at the top of the list, with a button to photograph what was found.
  var addRow = function (b) {
    var list = document.querySelector("[data-scan-list]");
    var empty = document.querySelector("[data-scan-empty]");
    if (empty) { empty.hidden = true; }
    list.hidden = false;
    var tr = document.createElement("tr");
    tr.setAttribute("data-scan", b.scan.id);
    // China time, as the server writes every other time on the page.
    var at = new Date(Date.parse(b.scan.scanned_at) + 8 * 3600 * 1000).toISOString();
    tr.appendChild(cell("时间", at.slice(0, 10) + " " + at.slice(11, 16)));
    tr.appendChild(cell("标签", text("span", b.scan.code, { translate: "no" })));
    tr.appendChild(cell("资产", b.asset_name || (b.scan.result === "unknown" ? "—" : "其他企业的资产")));
    tr.appendChild(cell("结果", b.scan.result_label));
    var noteCell = cell("说明", b.scan.note || "");
    var button = text("button", "拍照留证", { type: "button", "class": "secondary", "data-testid": "scan-photo-button" });
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/jpeg,image/png,image/webp";
    input.setAttribute("capture", "environment");
    input.setAttribute("data-testid", "scan-photo-input");
    input.setAttribute("aria-label", "为标签 " + b.scan.code + " 拍照留证");
    input.hidden = true;
    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () { upload(b.scan.id, input.files && input.files[0], button); });
    noteCell.appendChild(document.createTextNode(" "));
    noteCell.appendChild(button);
    noteCell.appendChild(input);
    tr.appendChild(noteCell);
    tr.appendChild(cell("扫描人", "我"));
    var body = list.querySelector("tbody");
    body.insertBefore(tr, body.firstChild);
    var total = document.querySelector("[data-scan-total]");
    if (total) { total.textContent = String(body.children.length); }
  };
  var showProgress = function (p, assetId) {
    var set = function (sel, v) { var el = document.querySelector(sel); if (el) { el.textContent = String(v); } };
    set("[data-testid=count-done]", p.done);
    set("[data-testid=count-expected]", p.expected);
    set("[data-testid=count-besides]", p.besides);
    var besides = document.querySelector("[data-besides]");
    if (besides) { besides.hidden = p.besides === 0; }
    var bar = document.querySelector("[data-count-progress]");
    if (bar) { bar.value = p.done; }
    if (assetId) {
      var li = document.querySelector("[data-waiting] li[data-asset='" + assetId + "']");
      if (li) { li.parentNode.removeChild(li); }
      set("[data-testid=waiting-count]", p.expected - p.done);
    }
  };

  var busy = false;
  var last = "";
  var lastAt = 0;
  var record = function (code, typed) {
    if (busy) { return; }
    var now = Date.now();
    // The same label still in front of the camera is not a new scan.
    if (!typed && code === last && now - lastAt < 4000) { return; }
    last = code;
    lastAt = now;
    busy = true;
    var checked = form.querySelector("input[name=result]:checked");
    var note = form.querySelector("[name=note]");
    fetch("/api/v1/asset-counts/" + encodeURIComponent(countId) + "/scans", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify({ code: code, result: checked ? checked.value : "", note: note.value })
    }).then(function (r) {
      return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; }, function () {
        return { ok: false, status: r.status, body: {} };
      });
    }).then(function (r) {
      if (r.status === 401) { say("登录已超时，请刷新页面重新登录后继续扫描。", "error"); return; }
      if (!r.ok) {
        var fields = r.body.fields || {};
        var first = Object.keys(fields)[0];
        say(first ? fields[first] : (r.body.message || "没有记录，请重试。"), "error");
        if (first === "note") { note.focus(); }
        return;
      }
      var b = r.body;
      say(b.message, b.again ? "warning" : "ok");
      if (navigator.vibrate) { navigator.vibrate(b.again ? [60, 60, 60] : 80); }
      if (!b.again) {
        addRow(b);
        showProgress(b.progress, b.scan.result === "unexpected" ? null : b.scan.asset_id);
        var present = form.querySelector("input[name=result][value=present]");
        if (present) { present.checked = true; }
        note.value = "";
      }
      form.querySelector("[name=code]").value = "";
    }, function () {
      say("网络中断，这个标签没有记录，请重新扫描。", "error");
      last = "";
    }).then(function () { busy = false; });
  };

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var code = form.querySelector("[name=code]").value.trim();
    if (!code) { say("请扫描标签上的二维码，或输入标签编号。", "error"); return; }
    record(code, true);
  });

  var stream = null;
  var tick = function () {
    if (!stream) { return; }
    var next = function () { window.setTimeout(tick, 200); };
    if (video.readyState < 2 || busy) { next(); return; }
    decode(video, video.videoWidth, video.videoHeight).then(function (code) {
      if (code) { record(code, false); }
    }).then(next, next);
  };
  var stop = function () {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  };
  startButton.addEventListener("click", function () {
    say("正在打开摄像头…");
    decoder().then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      startButton.hidden = true;
      stopButton.hidden = false;
      return video.play();
    }).then(function () {
      say("请把标签上的二维码对准摄像头，识别后自动记录。");
      tick();
    }, function () {
      stop();
      say("无法打开摄像头（需要允许本网站使用摄像头，并通过 HTTPS 访问）。可以用“拍照识别标签”，或直接输入标签编号。", "error");
    });
  });
  stopButton.addEventListener("click", function () { stop(); say("已停止扫描。"); });
  window.addEventListener("pagehide", stop);

  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file) { return; }
    say("正在识别照片中的二维码…");
    decoder().then(function () {
      return new Promise(function (resolve) {
        var img = new Image();
        var url = URL.createObjectURL(file);
        img.onload = function () { resolve(img); };
        img.onerror = function () { resolve(null); };
        img.src = url;
      });
    }).then(function (img) {
      if (!img) { return null; }
      return decode(img, img.naturalWidth, img.naturalHeight).then(function (code) {
        URL.revokeObjectURL(img.src);
        return code;
      });
    }).then(function (code) {
      photo.value = "";
      if (!code) {
        say("照片中没有识别到二维码。请靠近标签、对准后重拍，或直接输入标签编号。", "error");
        return;
      }
      form.querySelector("[name=code]").value = code;
      record(code, true);
    });
  });
})();
