// Turns the question form into a chat: each question fetches its answer from /ask as an
// HTML fragment (rendered and escaped by the server) and adds it below the earlier ones.
// Without this script the form is a plain GET and the answer a page of its own.
(function () {
  "use strict";
  var form = document.querySelector("form.ask");
  var log = document.getElementById("answers");
  if (!form || !log || !window.fetch || !window.URLSearchParams) {
    return;
  }

  function add(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var first = null;
    while (holder.firstChild) {
      var node = holder.firstChild;
      log.appendChild(node);
      if (!first && node.nodeType === 1) {
        first = node;
      }
    }
    if (first) {
      first.scrollIntoView({ block: "start" });
    }
  }

  function failed() {
    var note = document.createElement("p");
    note.className = "login";
    note.textContent = log.getAttribute("data-failed");
    log.appendChild(note);
  }

  function ask(url) {
    log.setAttribute("aria-busy", "true");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok && response.status !== 429) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(add, failed)
      .then(function () {
        log.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = new URLSearchParams(new FormData(form));
    var input = form.querySelector("input[name=q]");
    ask("/ask?" + query.toString());
    input.value = "";
    input.focus();
  });

  // "Vis flere" links ask again in the chat rather than leaving the page.
  log.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-more]") : null;
    if (!link) {
      return;
    }
    event.preventDefault();
    ask(link.getAttribute("href").replace(/^\/\?/, "/ask?"));
  });
})();
