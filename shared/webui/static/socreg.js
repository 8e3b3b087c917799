// A little plain JavaScript where it helps; every page works without it.
(function () {
  "use strict";
  // Move focus to the error summary after a failed submit, so keyboard and screen-reader users hear it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Ask before actions marked data-confirm (accept, return, submit).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Auto-submit filter selects marked data-autosubmit.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // Repeating rows: a button data-add-row="<group>" (hidden without script) copies
  // <template id="tpl-<group>"> into [data-rows="<group>"]; __i__ is the row index, __n__ its number.
  document.querySelectorAll("button[data-add-row]").forEach(function (button) {
    var group = button.getAttribute("data-add-row");
    var rows = document.querySelector('[data-rows="' + group + '"]');
    var template = document.getElementById("tpl-" + group);
    var max = parseInt(button.getAttribute("data-max") || "0", 10);
    if (!rows || !template) { return; }
    button.hidden = max > 0 && rows.querySelectorAll("[data-row]").length >= max;
    button.addEventListener("click", function () {
      var count = rows.querySelectorAll("[data-row]").length;
      if (max > 0 && count >= max) { return; }
      rows.insertAdjacentHTML("beforeend",
        template.innerHTML.split("__i__").join(String(count)).split("__n__").join(String(count + 1)));
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("input, select, textarea");
      if (first) { first.focus(); }
      if (max > 0 && count + 1 >= max) { button.hidden = true; }
    });
  });
})();
