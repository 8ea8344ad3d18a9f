// Optional help for people with JavaScript on: each answer is checked as it is
// left, with the same words the server uses (it asks the server). Without
// JavaScript every check still happens when the part is sent.
"use strict";
(function () {
  var form = document.querySelector("form.step-form");
  if (!form || !window.fetch) { return; }

  function show(group, message) {
    var error = group.querySelector(".error-message");
    var input = group.querySelector("input:not([type=hidden]), textarea");
    if (!error) { return; }
    if (message) {
      error.textContent = "";
      var prefix = document.createElement("span");
      prefix.className = "visually-hidden";
      prefix.textContent = "Error:";
      error.appendChild(prefix);
      error.appendChild(document.createTextNode(" " + message));
      error.hidden = false;
      group.classList.add("field--error");
      if (input && input.type !== "radio") { input.setAttribute("aria-invalid", "true"); }
    } else {
      error.hidden = true;
      error.textContent = "";
      group.classList.remove("field--error");
      if (input) { input.removeAttribute("aria-invalid"); }
    }
  }

  function check(group) {
    var body = new URLSearchParams(new FormData(form));
    body.set("field", group.getAttribute("data-key"));
    fetch("/api/field", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) { if (result) { show(group, result.error || ""); } })
      .catch(function () { /* the server checks again when the part is sent */ });
  }

  form.querySelectorAll(".field[data-key]").forEach(function (group) {
    group.addEventListener("focusout", function (event) {
      // Leaving one radio for another in the same group is not leaving the field.
      if (event.relatedTarget && group.contains(event.relatedTarget)) { return; }
      check(group);
    });
  });
})();
