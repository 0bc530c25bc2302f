// A source's template page: notes beside their lines on wide screens, and Copy buttons for template.yaml and
// cli.sh. Without JavaScript the notes follow their lines and the Download links still work.
(function () {
  "use strict";
  var WIDE = "(min-width: 992px)";

  function align(listing) {
    var wide = window.matchMedia(WIDE).matches;
    listing.classList.toggle("is-aligned", wide);
    var notes = listing.querySelectorAll(".wiring-note");
    var bottom = 0;
    notes.forEach(function (note) {
      if (!wide) { note.style.top = ""; return; }
      var line = document.getElementById("L" + note.getAttribute("data-line"));
      var top = Math.max(line ? line.offsetTop : 0, bottom);
      note.style.top = top + "px";
      bottom = top + note.offsetHeight + 6;
    });
    listing.style.minHeight = wide && bottom ? bottom + "px" : "";
  }

  function alignAll() {
    document.querySelectorAll("[data-wiring-listing]").forEach(align);
  }

  function setUpCopy(button) {
    if (!navigator.clipboard || !navigator.clipboard.writeText) return;  // the Download link stays
    var id = button.getAttribute("data-copy");
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(id);
      navigator.clipboard.writeText(source ? source.textContent : "").then(function () {
        if (status) status.textContent = "Copied.";
      }, function () {
        if (status) status.textContent = "Your browser did not allow copying: use Download instead.";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(setUpCopy);
    alignAll();
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(alignAll, 100);
    });
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(alignAll);
  });
})();
