// The code editors of the sandbox and the exercises: every textarea[data-editor] becomes a CodeMirror editor
// (static/vendor/codemirror) that writes back into the textarea, so the form posts the same field. Without
// JavaScript (or without the bundle) the plain textarea stays. Also here:
// - drafts: each editor's text is kept in localStorage under its data-draft-key; on a full page load a draft that
//   differs from what the server sent is restored ("Discard draft" puts the server's version back), or only
//   offered ("Restore draft") when the editor says data-draft-restore="offer" (a Try it link chose the code);
// - the failing line: the nearest [data-error-line] after an htmx swap or a streamed result marks that line, and
//   [data-goto-line] links select it;
// - htmx swaps that bring new editors (Load sample, Generate, Start over) are initialised again once settled.
(function () {
  "use strict";
  var PREFIX = "triggerlab-draft:";
  var editors = new Map();  // textarea -> editor

  function store(key, value) {
    try { localStorage.setItem(PREFIX + key, value); } catch (e) { /* private mode, full storage: optional */ }
  }
  function stored(key) {
    try { return localStorage.getItem(PREFIX + key); } catch (e) { return null; }
  }
  function forget(key) {
    try { localStorage.removeItem(PREFIX + key); } catch (e) { /* optional */ }
  }

  function labelFor(area) {
    var label = area.id && document.querySelector('label[for="' + area.id + '"]');
    if (label && !label.id) label.id = area.id + "-label";
    return label;
  }

  function notice(area, text, action, onAction) {
    var old = area.parentNode.parentNode.querySelector('.draft-notice[data-for="' + area.id + '"]');
    if (old) old.remove();
    var box = document.createElement("p");
    box.className = "draft-notice small mb-1";
    box.setAttribute("data-for", area.id);
    box.setAttribute("role", "status");
    box.append(document.createTextNode(text + " "));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 align-baseline";
    button.textContent = action;
    button.addEventListener("click", function () {
      onAction();
      box.remove();
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-sm ms-2 align-middle";
    close.setAttribute("aria-label", "Dismiss this notice");
    close.addEventListener("click", function () { box.remove(); });
    box.append(button, close);
    area.parentNode.before(box);
  }

  function setUp(area, restoreDrafts) {
    if (editors.has(area) || !window.TriggerlabCodeMirror) return;
    var key = area.getAttribute("data-draft-key");
    var fromServer = area.value;
    var label = labelFor(area);
    // tabindex: the editing area is a focusable element inside the scroll box (axe scrollable-region-focusable)
    var attributes = { "aria-multiline": "true", role: "textbox", tabindex: "0" };
    if (label) attributes["aria-labelledby"] = label.id;
    if (area.getAttribute("aria-describedby")) attributes["aria-describedby"] = area.getAttribute("aria-describedby");
    var draft = key ? stored(key) : null;
    var mode = area.getAttribute("data-draft-restore") || "restore";
    var watching = mode !== "offer";  // an offered draft is not overwritten until the learner types
    var editor = window.TriggerlabCodeMirror.create(area, {
      language: area.getAttribute("data-editor") === "json" ? "json" : "python",
      contentAttributes: attributes,
      onChange: function (value) {
        watching = true;
        if (key) store(key, value);
      }
    });
    editors.set(area, editor);
    // The textarea stays in the form (it is what posts) but out of sight and of the tab order; text put into it
    // (autofill, a script, a test) flows into the editor, and its label focuses the editor.
    area.classList.add("visually-hidden");
    area.setAttribute("tabindex", "-1");
    area.setAttribute("aria-hidden", "true");
    area.addEventListener("input", function () {
      if (area.value !== editor.getValue()) editor.setValue(area.value);
    });
    if (label) {
      label.addEventListener("click", function (event) {
        event.preventDefault();
        editor.focus();
      });
    }
    area.parentNode.classList.add("has-codemirror");
    area.after(editor.view.dom);
    if (!key) return;
    if (draft !== null && draft !== fromServer && restoreDrafts) {
      if (mode === "offer") {
        notice(area, "Your earlier draft for this is kept in this browser.", "Restore draft", function () {
          editor.setValue(draft);
        });
      } else {
        editor.setValue(draft);
        notice(area, "Restored your unsaved draft from this browser.", "Discard draft", function () {
          editor.setValue(fromServer);
        });
      }
    } else if (watching) {
      store(key, fromServer);  // the page is the latest version (e.g. after Start over or Load sample)
    }
  }

  function setUpAll(root, restoreDrafts) {
    (root || document).querySelectorAll("textarea[data-editor]").forEach(function (area) {
      setUp(area, restoreDrafts);
    });
    editors.forEach(function (editor, area) {  // editors whose textarea an htmx swap removed
      if (!document.contains(area)) {
        editor.destroy();
        editors.delete(area);
      }
    });
  }

  function codeEditor() {
    var area = document.querySelector("textarea[data-editor]#code");
    return area ? editors.get(area) : null;
  }

  function markError() {
    var editor = codeEditor();
    if (!editor) return;
    var holder = document.querySelector("#feedback[data-error-line], #result .run-facts[data-error-line]");
    var line = holder ? parseInt(holder.getAttribute("data-error-line"), 10) : 0;
    editor.markLine(line || 0);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpAll(document, true);
    markError();
  });
  // After settling, not swapping: htmx first gives a swapped-in element with a known id the old element's
  // attributes and restores its own when it settles (that would show the hidden textarea again, or read a stale
  // data-error-line).
  document.addEventListener("htmx:afterSettle", function () {
    setUpAll(document, false);
    markError();
  });
  document.addEventListener("htmx:afterSwap", markError);
  // the sandbox's streamed result announces itself with this event (sandbox.js)
  document.addEventListener("triggerlab:result", markError);

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    var link = target.closest("[data-goto-line]");
    var editor = codeEditor();
    if (link && editor) {
      event.preventDefault();
      editor.goToLine(parseInt(link.getAttribute("data-goto-line"), 10));
    }
  });

  // What is posted is the latest draft (an offered draft the learner ignored is replaced by what ran); "Start
  // over" drops the draft instead.
  function keepAll() {
    editors.forEach(function (editor, area) {
      var key = area.getAttribute("data-draft-key");
      if (key) store(key, editor.getValue());
    });
  }
  document.addEventListener("submit", keepAll);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail && event.detail.elt;
    var key = trigger && trigger.getAttribute && trigger.getAttribute("data-discard-draft");
    if (key) forget(key); else keepAll();
  });

  window.TriggerlabEditors = { editors: editors, markError: markError };
})();
