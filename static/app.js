// Progressive enhancement only: every page works without this file.
"use strict";

// Quick exit: leave for a neutral page and replace this page in the history, so the back
// button does not lead here. Without JavaScript the link still leaves at once.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-quick-exit]");
  if (!link) return;
  event.preventDefault();
  window.location.replace(link.href);
});

// Select the whole invite link when it is focused, ready to copy.
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("input.copy")) event.target.select();
});

// Suggest the browser's own time zone where a form asks for one and still says UTC.
document.querySelectorAll("input[data-time-zone]").forEach(function (input) {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && input.value === "UTC") input.value = zone;
  } catch (e) { /* keep UTC */ }
});
