/* Citizen portal: the display toggle (cookie + localStorage), the region cascade and focus on errors.
   Everything works without JavaScript; this only improves it. No inline scripts (strict CSP). */
(function () {
  "use strict";
  var COOKIE = "banshi_display";

  function setDisplay(large) {
    document.documentElement.classList.toggle("large", large);
    var value = large ? "large" : "normal";
    document.cookie = COOKIE + "=" + value + "; path=/; max-age=31536000; SameSite=Lax";
    try { window.localStorage.setItem(COOKIE, value); } catch (e) { /* private mode */ }
    var button = document.getElementById("display-toggle");
    if (button) { button.setAttribute("aria-pressed", large ? "true" : "false"); }
  }

  function initDisplay() {
    var stored = null;
    try { stored = window.localStorage.getItem(COOKIE); } catch (e) { stored = null; }
    var hasCookie = document.cookie.indexOf(COOKIE + "=") !== -1;
    if (stored && !hasCookie) { setDisplay(stored === "large"); }
    var button = document.getElementById("display-toggle");
    if (!button) { return; }
    button.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      setDisplay(!document.documentElement.classList.contains("large"));
    });
  }

  function initCascade() {
    var box = document.getElementById("region-cascade");
    if (!box) { return; }
    var url = box.getAttribute("data-url");
    box.addEventListener("change", function (ev) {
      var select = ev.target;
      if (!select.classList || !select.classList.contains("region-select")) { return; }
      var level = parseInt(select.getAttribute("data-level"), 10);
      Array.prototype.slice.call(box.querySelectorAll(".region-select")).forEach(function (s) {
        if (parseInt(s.getAttribute("data-level"), 10) > level) {
          var lab = box.querySelector("label[for='" + s.id + "']");
          if (lab) { lab.remove(); }
          s.remove();
        }
      });
      if (!select.value) { return; }
      fetch(url + "?parent=" + encodeURIComponent(select.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { regions: [] }; })
        .then(function (data) {
          if (!data.regions || !data.regions.length) { return; }
          var next = document.createElement("select");
          next.name = "region";
          next.id = "region-" + (level + 1);
          next.className = "region-select";
          next.setAttribute("data-level", String(level + 1));
          var label = document.createElement("label");
          label.htmlFor = next.id;
          label.className = "sub";
          label.textContent = select.options[select.selectedIndex].text + " · 下一级（选填）";
          var blank = document.createElement("option");
          blank.value = "";
          blank.textContent = "请选择";
          next.appendChild(blank);
          data.regions.forEach(function (r) {
            var o = document.createElement("option");
            o.value = r.code;
            o.textContent = r.name;
            next.appendChild(o);
          });
          box.appendChild(label);
          box.appendChild(next);
        })
        .catch(function () { /* the chosen level is kept */ });
    });
  }

  function initErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  function initSubmitOnce() {
    var form = document.getElementById("submit-form");
    if (!form) { return; }
    form.addEventListener("submit", function () {
      var b = document.getElementById("submit-button");
      if (b) { window.setTimeout(function () { b.disabled = true; }, 0); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initDisplay();
    initCascade();
    initErrors();
    initSubmitOnce();
  });
})();
