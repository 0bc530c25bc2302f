// The handler sandbox page. Run and "Force a cold start" post the form with fetch() and show each real invocation
// of the source's replay as the server streams it; Cancel aborts the request (the server stops the replay before
// its next invocation). editor.js marks the error's line in the code editor. Without this file the form posts
// normally.
(function () {
  "use strict";
  var END = "\n<!--/fragment-->\n";
  var running = null;

  function $(selector) { return document.querySelector(selector); }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function setBusy(busy) {
    ["#run-button", "#cold-button"].forEach(function (selector) {
      var button = $(selector);
      if (button) button.disabled = busy;
    });
    var cancel = $("#cancel-button"), spinner = $("#run-spinner"), form = $("#sandbox-form");
    if (cancel) cancel.hidden = !busy;
    if (spinner) spinner.classList.toggle("htmx-request", busy);
    if (form) form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function shell() {
    var section = document.createElement("section");
    section.id = "result";
    section.className = "mt-4";
    section.setAttribute("aria-live", "polite");
    section.setAttribute("aria-label", "Result");
    var status = document.createElement("p");
    status.className = "stream-status mb-1";
    status.textContent = "Running your handler…";
    var list = document.createElement("ol");
    list.id = "stream-runs";
    list.className = "stream-runs small";
    section.append(status, list);
    var old = $("#result");
    if (old) old.replaceWith(section);
    return section;
  }

  function say(state, text) {
    var status = $("#result .stream-status");
    if (status) status.textContent = text;
  }

  function place(html, state) {
    var element = parse(html);
    if (!element) return;
    var existing = element.id && document.getElementById(element.id);
    if (existing) {  // the result and the run history replace theirs
      existing.replaceWith(element);
      if (window.htmx) window.htmx.process(element);  // its forms and links work with htmx too (Reset resources)
      if (element.id === "result") {
        state.done = true;
        element.dispatchEvent(new CustomEvent("htmx:afterSwap", { bubbles: true }));  // its diagram; editor.js marks the line
      }
      return;
    }
    var list = $("#stream-runs");
    if (!list) return;
    if (element.tagName === "LI") {
      state.count += 1;
      list.append(element);
      say(state, state.count + " invocation" + (state.count === 1 ? "" : "s") + " so far. Still running…");
    } else if (element.classList.contains("stream-plan")) {
      list.before(element);
    }
  }

  function read(response, state) {
    var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
    function flush(last) {
      var at = buffer.indexOf(END);
      while (at !== -1) {
        place(buffer.slice(0, at), state);
        buffer = buffer.slice(at + END.length);
        at = buffer.indexOf(END);
      }
      if (last && buffer.trim() && response.headers.get("Content-Type").indexOf("text/html") === 0) {
        place(buffer, state);  // an answer that was not streamed: bad input, rate limit, busy sandbox
      }
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          buffer += decoder.decode();
          flush(true);
          return null;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        flush(false);
        return pump();
      });
    }
    return pump().then(function () {
      if (!state.done) problem("The run did not finish (HTTP " + response.status + "). Reload the page and try again.");
    });
  }

  function notice(kind, text) {
    var result = $("#result");
    if (!result) return;
    var box = document.createElement("div");
    box.className = "alert alert-" + kind;
    box.setAttribute("role", kind === "warning" ? "alert" : "status");
    box.textContent = text;
    var status = result.querySelector(".stream-status");
    if (status) status.replaceWith(box); else result.prepend(box);
  }

  function problem(text) { notice("warning", text + " Your code and event are kept."); }

  function start(form, action, submitter) {
    if (running) return;
    var data = new FormData(form);
    data.set("action", action);
    data.set("stream", "1");
    var state = { count: 0, done: false, controller: new AbortController() };
    running = state;
    shell();
    setBusy(true);
    var cancel = $("#cancel-button");
    if (cancel && (document.activeElement === submitter || document.activeElement === document.body)) cancel.focus();
    fetch(form.getAttribute("action"), {  // form.action is the buttons named "action"
      method: "POST",
      body: data,
      signal: state.controller.signal,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return read(response, state);
    }).catch(function (error) {
      if (error && error.name === "AbortError") {
        notice("secondary", (state.count ?
          "Cancelled after " + state.count + " invocation" + (state.count === 1 ? "" : "s") + "." :
          "Cancelled before the first invocation finished.") +
          " The replay stops before its next invocation. Your code and event are kept.");
      } else {
        problem("The connection to the server was lost.");
      }
    }).then(function () {
      var hadFocus = document.activeElement === $("#cancel-button") || document.activeElement === document.body;
      running = null;
      setBusy(false);
      var run = $("#run-button");
      if (hadFocus && run) run.focus();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target, submitter = event.submitter;
    if (!form || form.id !== "sandbox-form" || !submitter) return;
    if (submitter.value !== "run" && submitter.value !== "cold") return;
    if (!window.fetch || !window.TextDecoder || !window.AbortController || !window.ReadableStream) return;
    event.preventDefault();
    start(form, submitter.value, submitter);
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    if (target.closest("#cancel-button") && running) {
      running.controller.abort();
      return;
    }
  });
})();
