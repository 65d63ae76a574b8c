// synth review: progressive enhancement only; every action also works as a plain form post.
// Loaded from /static (the Content-Security-Policy allows no inline script and no inline handlers).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // filters re-count as soon as a value is picked
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });

  // destructive actions ask first
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });

  // item selection on the theme page: select all, a count, buttons enabled only with a selection
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[type=checkbox][name=items]"));
  var all = document.getElementById("select-all");
  var count = document.getElementById("selected-count");
  var needing = document.querySelectorAll("[data-needs-selection]");
  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (count) { count.textContent = n + " selected"; }
    needing.forEach(function (b) { b.disabled = n === 0; });
    if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  update();

  // transcript opened for an item without a #position: bring the item's first span into view
  var focus = document.querySelector(".hl.focus");
  if (focus && !window.location.hash) { focus.scrollIntoView({ block: "center" }); }
});
