// Optional help for people with JavaScript on: each answer is checked as it is
// left, with the same words the server uses (it asks the server). Without
// JavaScript every check still happens when the part is sent.
"use strict";
(function () {
  // On the answers page: the pages as pictures, shown in place (and made again
  // from the answers as they are each time the button is pressed).
  var review = document.querySelector("form.review-form");
  var trigger = review && review.querySelector("[data-preview]");
  var panel = document.getElementById("preview-panel");
  if (trigger && panel && window.fetch) {
    trigger.addEventListener("click", function (event) {
      event.preventDefault();
      var status = document.getElementById("preview-status");
      var list = document.getElementById("preview-pages");
      panel.hidden = false;
      list.textContent = "";
      status.textContent = "Making the pictures of your pages…";
      trigger.disabled = true;
      fetch("/api/preview", {
        method: "POST",
        body: new URLSearchParams(new FormData(review)),
        credentials: "same-origin"
      })
        .then(function (response) {
          return response.json().then(function (body) { return [response.status, body]; });
        })
        .then(function (reply) {
          var body = reply[1];
          if (!body.pages) {
            status.textContent = body.error || "Some answers need another look first.";
            return;
          }
          body.pages.forEach(function (url, index) {
            var item = document.createElement("li");
            item.className = "pages__page";
            var picture = document.createElement("img");
            picture.src = url;
            picture.alt = "Page " + (index + 1) + " of " + body.pages.length +
              " of your letter (the PDF has the text)";
            item.appendChild(picture);
            list.appendChild(item);
          });
          status.textContent = body.pages.length + " pages shown below.";
          document.getElementById("preview-title").focus();
        })
        .catch(function () {
          status.textContent = "The pictures could not be made. The Download PDF button still works.";
        })
        .then(function () { trigger.disabled = false; });
    });
  }

  // For coordinators: the roster's progress, member by member, then the ZIP.
  var roster = document.querySelector("form.roster-form");
  if (roster && window.fetch && window.TextDecoder && window.Blob) {
    roster.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = document.getElementById("roster-progress");
      var bar = document.getElementById("roster-bar");
      var status = document.getElementById("roster-status");
      var problems = document.getElementById("roster-lines");
      var button = roster.querySelector("button[type=submit]");
      var announced = 0;
      box.hidden = false;
      problems.textContent = "";
      bar.removeAttribute("value");
      status.textContent = "Reading the roster…";
      button.disabled = true;

      function finish(outcome) {
        (outcome.lines || []).forEach(function (line) {
          var item = document.createElement("li");
          item.textContent = line;
          problems.appendChild(item);
        });
        if (outcome.error) { status.textContent = outcome.error; return; }
        var made = outcome.rendered + (outcome.rendered === 1 ? " letter" : " letters") + " made";
        if (outcome.failed) {
          made += "; " + outcome.failed + (outcome.failed === 1 ? " row needs" : " rows need") +
            " fixing (listed below, and in bad-rows.csv in the ZIP).";
        } else {
          made += ".";
        }
        status.textContent = made;
        if (!outcome.zip) { return; }
        var bytes = Uint8Array.from(atob(outcome.zip), function (c) { return c.charCodeAt(0); });
        var link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([bytes], { type: "application/zip" }));
        link.download = "letters.zip";
        document.body.appendChild(link);
        link.click();
        link.remove();
      }

      function show(event) {
        if (event.done === undefined) { finish(event); return; }
        bar.max = event.total || 1;
        bar.value = event.done;
        // A screen reader hears about every tenth of the way, not every member.
        var tenth = Math.max(1, Math.round((event.total || 10) / 10));
        if (event.done - announced >= tenth || event.done === event.total) {
          announced = event.done;
          status.textContent = event.done + " of " + event.total + " members done" +
            (event.failed ? " (" + event.failed + " need fixing)" : "") + "…";
        }
      }

      fetch("/api/roster", { method: "POST", body: new FormData(roster), credentials: "same-origin" })
        .then(function (response) {
          if (!response.body || !response.headers.get("content-type").startsWith("application/x-ndjson")) {
            return response.json().then(finish);
          }
          var reader = response.body.getReader();
          var decoder = new TextDecoder();
          var pending = "";
          function pump() {
            return reader.read().then(function (chunk) {
              pending += decoder.decode(chunk.value || new Uint8Array(), { stream: !chunk.done });
              var lines = pending.split("\n");
              pending = lines.pop();
              lines.forEach(function (line) { if (line) { show(JSON.parse(line)); } });
              if (!chunk.done) { return pump(); }
            });
          }
          return pump();
        })
        .catch(function () { status.textContent = "The letters could not be made. Please try again."; })
        .then(function () { button.disabled = false; bar.value = bar.max; });
    });
  }

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
