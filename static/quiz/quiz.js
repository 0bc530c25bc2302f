// Quiz keyboard shortcuts and exam timer: progressive enhancement over plain forms and links.
(function () {
  var started = Date.now();
  document.documentElement.dataset.quizKeys = "ready"; // lets tests wait until the shortcuts listen
  function form() { return document.getElementById("answer-form"); }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.tagName === "TEXTAREA" || (target.tagName === "SELECT") || target.isContentEditable)) return;
    var f = form();
    var key = event.key;
    // F flags in an exam (where a flag button exists); elsewhere it picks option F like the other letters.
    var flags = f && f.querySelector('[data-key="f"]');
    if (f && /^[1-6]$/.test(key) || f && /^[a-fA-F]$/.test(key) && !(flags && key.toLowerCase() === "f")) {
      var index = /^[1-6]$/.test(key) ? Number(key) : key.toUpperCase().charCodeAt(0) - 64;
      var input = f.querySelector('input[name="choice"][data-index="' + index + '"]');
      if (input && !input.disabled) {
        input.checked = input.type === "checkbox" ? !input.checked : true;
        input.focus();
        event.preventDefault();
      }
    } else if (flags && (key === "f" || key === "F")) {
      event.preventDefault();
      flags.click();
    } else if (f && key === "Enter" && target.tagName !== "BUTTON" && target.tagName !== "A") {
      var submit = f.querySelector('button[value="answer"]');
      if (submit) { event.preventDefault(); submit.click(); }
    } else if (key === "ArrowRight" || key === "ArrowLeft") {
      if (target && target.type === "radio") return; // arrows move between radio options
      var link = document.querySelector(key === "ArrowRight" ? 'a[rel="next"]' : 'a[rel="prev"]');
      if (link) { event.preventDefault(); link.click(); }
    }
  });
  document.addEventListener("submit", function () {
    var spent = document.getElementById("spent-ms");
    if (spent) spent.value = String(Date.now() - started);
  }, true);
  document.addEventListener("htmx:afterSwap", function () { started = Date.now(); });
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
