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
      // A field may name the button that submits it (the on-spot answer submits "register and answer").
      var which = ev.target.getAttribute("data-submit");
      var submitter = which ? document.getElementById(which) : null;
      if (ev.target.form.requestSubmit) {
        if (submitter) { ev.target.form.requestSubmit(submitter); } else { ev.target.form.requestSubmit(); }
      } else { ev.target.form.submit(); }
    }
  });
  document.addEventListener("click", function (ev) {
    // Knowledge base "当场答复": copy the answer into the console's answer box, mark the demand as a
    // consultation and put the cursor there for the operator to check and submit.
    var btn = ev.target && ev.target.closest ? ev.target.closest(".kb-use") : null;
    if (!btn) { return; }
    var source = document.getElementById(btn.getAttribute("data-source"));
    var answer = document.getElementById("id_answer");
    var type = document.getElementById("id_type");
    if (!source || !answer) { return; }
    answer.value = source.textContent.trim();
    if (type) { type.value = "consultation"; }
    answer.focus();
    if (answer.scrollIntoView) { answer.scrollIntoView({block: "center"}); }
  });
  document.addEventListener("click", function (ev) {
    // 督办 board: a row's "督办"/"升级" picks that case and action in the one shared form (without
    // script the link reloads the page with them chosen) and puts the cursor in the text box.
    var link = ev.target && ev.target.closest ? ev.target.closest(".sup-pick") : null;
    var select = document.getElementById("sup-case");
    if (!link || !select) { return; }
    var id = link.getAttribute("data-case");
    var option = select.querySelector('option[value="' + id + '"]');
    if (!option) { return; }
    ev.preventDefault();
    select.value = id;
    var radio = document.getElementById("sup-do-" + link.getAttribute("data-do"));
    if (radio) { radio.checked = true; }
    var said = document.getElementById("sup-picked");
    if (said) { said.textContent = option.textContent + " — " + (radio && radio.parentNode ? radio.parentNode.textContent.trim() : ""); }
    var text = document.getElementById("sup-text");
    if (text) {
      if (text.scrollIntoView) { text.scrollIntoView({block: "center"}); }
      text.focus();
    }
  });
  document.addEventListener("htmx:beforeSwap", function (ev) {
    // The console's side panels answer 401/403 with a short notice: show it instead of dropping it.
    var status = ev.detail && ev.detail.xhr ? ev.detail.xhr.status : 0;
    if (status === 401 || status === 403) { ev.detail.shouldSwap = true; ev.detail.isError = false; }
  });
  document.addEventListener("submit", function (ev) {
    // Avoid double submissions of the same action form.
    var btns = ev.target.querySelectorAll("button[type=submit]");
    window.setTimeout(function () { btns.forEach(function (b) { b.disabled = true; }); }, 0);
  });
})();
