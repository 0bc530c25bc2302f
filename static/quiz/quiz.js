// The quiz room: keyboard shortcuts, exam autosave with a visible save state, the question palette (folded on a
// phone), the submit confirmation and the exam timer. Progressive enhancement over plain forms and links.
(function () {
  var started = Date.now(); // time on this question not yet sent to the server
  document.documentElement.dataset.quizKeys = "ready"; // lets tests wait until the shortcuts listen
  function form() { return document.getElementById("answer-form"); }

  // -- autosave (exam questions only: the form carries data-autosave) -----------------------------------------
  var pending = null; // the save in flight, so a move to another question waits for it
  var again = false; // the answer changed while a save was in flight: save once more after it

  function setState(state, text) {
    var box = document.getElementById("save-state");
    var retry = document.getElementById("save-retry");
    if (!box) return;
    box.dataset.state = state;
    box.textContent = text;
    if (retry) retry.hidden = state !== "failed";
  }

  function orderingProblem(f) {
    var selects = f.querySelectorAll('select[name^="position-"]');
    var seen = {};
    for (var i = 0; i < selects.length; i++) {
      var value = selects[i].value;
      if (!value || seen[value]) return true;
      seen[value] = true;
    }
    return false;
  }

  function markPalette(f, answered, count) {
    var link = document.querySelector('.question-map a.qnum[data-number="' + f.dataset.number + '"]');
    if (link) {
      link.classList.toggle("answered", answered);
      var label = "Question " + f.dataset.number + (answered ? ", answered" : ", unanswered");
      if (link.classList.contains("flagged")) label += ", flagged";
      link.setAttribute("aria-label", label);
    }
    var counter = document.querySelector("[data-answered-count]");
    if (counter && typeof count === "number") counter.textContent = String(count);
  }

  function save() {
    var f = form();
    if (!f || !f.dataset.autosave) return null;
    if (pending) { again = true; return pending; }
    if (f.dataset.type === "single" && !f.querySelector('input[name="choice"]:checked')) return null; // nothing chosen yet
    if (f.dataset.type === "ordering" && orderingProblem(f)) {
      setState("incomplete", "Not saved yet: give every step its own position.");
      return null;
    }
    var data = new FormData(f);
    var now = Date.now();
    data.set("spent_ms", String(now - started));
    setState("saving", "Saving…");
    pending = fetch(f.dataset.autosave, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: true, // a reload or a move right after a click still delivers the answer
      headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "", "Accept": "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.saved) {
          started = now;
          markPalette(f, body.answered, body.answered_count);
          setState(body.answered ? "saved" : "draft",
            body.answered ? "Saved" : "Saved: choose " + f.dataset.choose + " to answer");
        } else if (response.status === 403 && body.csrf) {
          // the session's security token is gone (expired, cleared, another tab): a retry can never succeed
          setState("refused", "Not saved: your session expired. Reload the page to go on; the answers already saved are kept.");
        } else if (response.status >= 400 && response.status < 500 && body.message) {
          setState("refused", "Not saved: " + body.message);
          if (body.results) window.location.assign(body.results);
        } else {
          setState("failed", "Not saved — retry");
        }
      });
    }).catch(function () {
      setState("failed", "Not saved — retry");
    }).then(function () {
      pending = null;
      if (again) { again = false; save(); }
    });
    return pending;
  }

  document.addEventListener("change", function (event) {
    var f = form();
    if (f && f.dataset.autosave && f.contains(event.target)) save();
  });
  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "save-retry") { save(); return; }
    // a move (palette, Previous/Next) while a save is in flight waits for it, so the next page shows the choice
    var link = event.target && event.target.closest && event.target.closest("a[href]");
    if (link && pending && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      var go = function () { window.location.assign(link.href); };
      pending.then(go, go);
    }
  });

  // -- keyboard: 1–6 and A–F choose, G flags in an exam, Enter answers, arrows move -----------------------------
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable)) return;
    if (target && target.tagName === "INPUT" && !/^(radio|checkbox)$/.test(target.type)) return;
    var f = form();
    var key = event.key;
    var flag = f && f.querySelector('[data-key="g"]');
    if (f && /^[1-6a-fA-F]$/.test(key)) {
      var index = /^[1-6]$/.test(key) ? Number(key) : key.toUpperCase().charCodeAt(0) - 64;
      var input = f.querySelector('input[name="choice"][data-index="' + index + '"]');
      if (input && !input.disabled) {
        input.checked = input.type === "checkbox" ? !input.checked : true;
        input.focus();
        input.dispatchEvent(new Event("change", { bubbles: true }));
        event.preventDefault();
      }
    } else if (flag && (key === "g" || key === "G")) {
      event.preventDefault();
      flag.click();
    } else if (f && key === "Enter" && target.tagName !== "BUTTON" && target.tagName !== "A") {
      var submit = f.querySelector('button[value="answer"]');
      if (submit) { event.preventDefault(); submit.click(); }
    } else if (key === "ArrowRight" || key === "ArrowLeft") {
      // ← → always move to the previous or next question, as the hint says. On a radio the browser would pick the
      // neighbouring option instead (and an exam would autosave it): prevent that first (walk finding 1).
      var link = document.querySelector(key === "ArrowRight" ? 'a[rel="next"]' : 'a[rel="prev"]');
      if (link || (target && target.type === "radio")) event.preventDefault();
      if (link) link.click();
    } else if ((key === "ArrowUp" || key === "ArrowDown") && target && target.type === "radio") {
      // ↑ ↓ on an option move the focus only, never the choice: 1–6, A–F, Space or a click choose
      event.preventDefault();
      var radios = Array.prototype.slice.call(document.querySelectorAll('input[type="radio"][name="' + target.name + '"]'));
      var next = radios[radios.indexOf(target) + (key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
    }
  });
  document.addEventListener("submit", function (event) {
    var spent = document.getElementById("spent-ms");
    if (spent) spent.value = String(Date.now() - started);
    // a flag or "Save and next" posts the form: let a save in flight land first
    if (pending && event.target === form()) {
      event.preventDefault();
      var submitter = event.submitter;
      var resend = function () { form().requestSubmit(submitter || undefined); };
      pending.then(resend, resend);
    }
  }, true);
  // -- the palette: open on a wide screen, folded on a phone (the summary says how far the learner got) ---------
  // After an htmx swap (practice "Check my answer") the new palette keeps the state the old one had (walk 11).
  var paletteOpen = null;
  function openPalette() {
    var palette = document.querySelector("details[data-palette]");
    if (!palette) return;
    var wanted = paletteOpen === null ? window.matchMedia("(min-width: 768px)").matches : paletteOpen;
    if (wanted && !palette.open) palette.open = true;
    palette.addEventListener("toggle", function () { paletteOpen = palette.open; });
  }
  openPalette();
  document.addEventListener("htmx:beforeSwap", function () {
    var palette = document.querySelector("details[data-palette]");
    if (palette) paletteOpen = palette.open;
  });
  document.addEventListener("htmx:afterSwap", function () { started = Date.now(); openPalette(); });

  // -- submit confirmation: the counts are in the dialog; without JavaScript the review lists say the same -----
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    var dialog = document.getElementById(button.dataset.confirm);
    if (!dialog || typeof dialog.showModal !== "function") return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  });

  // -- the exam timer -------------------------------------------------------------------------------------------
  var timer = document.getElementById("quiz-timer");
  if (timer) {
    var end = Date.now() + Number(timer.dataset.seconds) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0) { window.location.reload(); return; }  // the server submits the exam and shows results
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
