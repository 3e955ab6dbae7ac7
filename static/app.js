// Progressive enhancement only: every page works without this file.
"use strict";

// Quick exit. Without JavaScript the control is a form that ends the session and lands on
// a plain page. With it, leaving is instant and leaves nothing behind Back: the page's own
// content goes first, the session ends in the background (keepalive outlives the page),
// and the plain page replaces this one in the history instead of being added after it.
function quickExit(form) {
  var to = form.getAttribute("data-quick-exit") || "/weather";
  try {
    fetch("/exit", {
      method: "POST",
      body: new URLSearchParams(),
      credentials: "same-origin",
      keepalive: true,
      redirect: "manual",
      cache: "no-store"
    }).catch(function () { /* leaving matters more */ });
  } catch (e) { /* leaving matters more */ }
  document.title = "";
  document.body.textContent = "";
  window.location.replace(to);
}

document.addEventListener("submit", function (event) {
  var form = event.target.closest && event.target.closest("form[data-quick-exit]");
  if (!form) return;
  event.preventDefault();
  quickExit(form);
});

// Escape twice, within a second and a half, does the same from anywhere on the page.
var lastEscape = 0;
document.addEventListener("keydown", function (event) {
  // A held key, or Escape closing an input method's suggestions, is not a request to leave.
  if (event.key !== "Escape" || event.repeat || event.isComposing) return;
  var now = Date.now();
  if (now - lastEscape < 1500) {
    var form = document.querySelector("form[data-quick-exit]");
    if (form) quickExit(form);
  }
  lastEscape = now;
});

// A page brought back from the browser's back-forward cache shows what it showed when it
// was left, even after quick exit ended the session: hide it and ask the server again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.body.textContent = "";
  // A fresh GET of the same address: reload() would offer to send a form again.
  window.location.replace(window.location.href);
});

// Select the whole invite link when it is focused, ready to copy.
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("input.copy")) event.target.select();
});

// Suggest the browser's own time zone where a form asks for one and still says UTC: typed
// into a text field, or chosen in a list if the list has it (without JavaScript the list
// works as it is).
document.querySelectorAll("input[data-time-zone], select[data-time-zone]").forEach(function (field) {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || field.value !== "UTC") return;
    if (field.tagName === "INPUT") { field.value = zone; return; }
    for (var i = 0; i < field.options.length; i++) {
      if (field.options[i].value === zone) { field.value = zone; return; }
    }
  } catch (e) { /* keep UTC */ }
});
