// The public tip-off form's proof-of-work: before the form is sent, find a number whose
// SHA-256 with the form's token starts with the zero bits the page asks for, and send it
// as `proof`. Without this script the form still works, at a stricter limit per address.
(function () {
  "use strict";
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];
  var W = new Array(64);

  // The first 32 bits of SHA-256 of an ASCII string (all the check needs).
  function sha256First(s) {
    var n = s.length, words = ((n + 9 + 63) >> 6) << 4, m = new Array(words).fill(0), i;
    for (i = 0; i < n; i++) m[i >> 2] |= s.charCodeAt(i) << (24 - (i & 3) * 8);
    m[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
    m[words - 1] = n * 8;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for (var b = 0; b < words; b += 16) {
      for (i = 0; i < 64; i++) {
        if (i < 16) W[i] = m[b + i] | 0;
        else {
          var x = W[i - 15], y = W[i - 2];
          var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
          var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
          W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
        }
      }
      var a = h[0], c = h[1], d = h[2], e = h[3], f = h[4], g = h[5], k = h[6], l = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7));
        var t1 = (l + S1 + ((f & g) ^ (~f & k)) + K[i] + W[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & c) ^ (a & d) ^ (c & d))) | 0;
        l = k; k = g; g = f; f = (e + t1) | 0; e = d; d = c; c = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + c) | 0; h[2] = (h[2] + d) | 0; h[3] = (h[3] + e) | 0;
      h[4] = (h[4] + f) | 0; h[5] = (h[5] + g) | 0; h[6] = (h[6] + k) | 0; h[7] = (h[7] + l) | 0;
    }
    return h[0] >>> 0;
  }

  var form = document.querySelector("form[data-proof-bits]");
  if (!form) return;
  var bits = parseInt(form.getAttribute("data-proof-bits"), 10);
  var token = form.querySelector("[name=form_token]").value;
  var proof = form.querySelector("[name=proof]");
  var limit = bits >= 32 ? 0 : Math.pow(2, 32 - bits);
  var found = null, nonce = 0;
  // Work in slices while the person types, so sending is instant.
  function slice() {
    for (var end = nonce + 4000; nonce < end; nonce++) {
      if (sha256First(token + ":" + nonce) < limit) { found = String(nonce); proof.value = found; return; }
    }
    setTimeout(slice, 0);
  }
  slice();
  form.addEventListener("submit", function (ev) {
    if (found !== null) return;
    ev.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = "正在提交…"; }
    (function wait() { if (found !== null) form.submit(); else setTimeout(wait, 50); })();
  });
})();
