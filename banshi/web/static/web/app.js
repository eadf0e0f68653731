// banshi staff workbench: small progressive enhancements (no inline script: strict CSP).
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    // Reply templates: copy the chosen template text into its textarea.
    if (el && el.classList && el.classList.contains("tpl-pick") && el.value) {
      var target = document.getElementById(el.getAttribute("data-target"));
      if (target) { target.value = el.value; target.focus(); }
      el.value = "";
    }
  });
  document.addEventListener("keydown", function (ev) {
    // Ctrl/Cmd+Enter submits the form being typed in (fast intake on the phone line).
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter" && ev.target && ev.target.form) {
      ev.preventDefault();
      if (ev.target.form.requestSubmit) { ev.target.form.requestSubmit(); } else { ev.target.form.submit(); }
    }
  });
  document.addEventListener("submit", function (ev) {
    // Avoid double submissions of the same action form.
    var btns = ev.target.querySelectorAll("button[type=submit]");
    window.setTimeout(function () { btns.forEach(function (b) { b.disabled = true; }); }, 0);
  });
})();
