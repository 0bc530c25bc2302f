// The state panel, the scrubber, the clock and the dispositions table follow the player (flow:step events).
// The server renders all of them for ?step=N (templates/diagrams/_state.html and flow.html); this renders the
// same markup for other steps from the view models in the flow's "state-data-<uid>" JSON (learn/diagrams/panel.py,
// Series.pack: chips and places are interned, chip flags are bits: 1 changed, 2 shown for context).
(function () {
  "use strict";
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hiddenText(text) {
    return el("span", "visually-hidden", text);
  }

  function State(root) {
    this.root = root;
    this.uid = root.id.replace(/^flow-/, "");
    var data = document.getElementById("state-data-" + this.uid);
    this.data = data ? JSON.parse(data.textContent) : { steps: [] };
    this.panel = root.querySelector("[data-state]");
    this.form = root.querySelector("[data-scrub-form]");
    this.scrub = root.querySelector("[data-scrub]");
    this.bind();
  }

  State.prototype.bind = function () {
    var self = this;
    if (this.form && this.scrub) {
      this.form.hidden = false;
      this.form.querySelectorAll("[data-nojs]").forEach(function (button) { button.hidden = true; });
      this.form.addEventListener("submit", function (event) { event.preventDefault(); });
      this.scrub.addEventListener("input", function () {
        var index = Number(self.scrub.value) - 1;
        var player = self.root.player;
        if (player) {
          player.stop();
          player.show(index, false);  // the player announces the step; show() below follows
        } else {
          self.show(index, false);
        }
      });
    }
    this.root.addEventListener("flow:step", function (event) {
      self.show(event.detail.index, event.detail.animate);
    });
  };

  State.prototype.show = function (index, animate) {
    var step = this.data.steps[index];
    var total = this.data.steps.length;
    var clock = step ? step[0] : "";
    var root = this.root;
    if (this.scrub) {
      this.scrub.value = String(index + 1);
      this.scrub.setAttribute("aria-valuetext", "Step " + (index + 1) + " of " + total + ", " + clock);
      root.querySelectorAll("[data-step-number]").forEach(function (n) { n.textContent = String(index + 1); });
    }
    root.querySelectorAll("[data-clock]").forEach(function (n) { n.textContent = clock; });
    this.reveal(index);
    if (this.panel && step) this.render(step, animate);
  };

  State.prototype.reveal = function (index) {
    var any = false;
    this.root.querySelectorAll(".flow-dispositions tr[data-reveal]").forEach(function (row) {
      var shown = Number(row.dataset.reveal) <= index;
      row.hidden = !shown;
      any = any || shown;
    });
    var empty = this.root.querySelector(".flow-dispositions [data-empty]");
    if (empty) empty.hidden = any;
  };

  State.prototype.render = function (step, animate) {
    var data = this.data;
    var panel = this.panel;
    panel.querySelector("[data-state-clock]").textContent = "at " + step[0];
    var list = panel.querySelector("[data-state-places]");
    var fresh = document.createDocumentFragment();
    step[1].forEach(function (placeIndex) {
      fresh.appendChild(renderPlace(data, data.places[placeIndex]));
    });
    list.replaceChildren(fresh);
    panel.querySelector("[data-state-said]").textContent = step[2];
    // Changed chips flash only when the step was reached by moving forward; the highlight itself stays.
    panel.classList.toggle("is-animating", !!animate && !(reduced && reduced.matches));
  };

  function renderPlace(data, place) {
    // place: [id, kind, label, count, meta, [chip indices], more, changed?]
    var item = el("li", "state-place kind-" + place[1] + (place[7] ? " is-changed" : ""));
    item.dataset.place = place[0];
    var head = el("p", "state-place-head");
    head.appendChild(el("span", "state-place-label", place[2]));
    head.appendChild(hiddenText(", "));
    head.appendChild(el("span", "state-count", place[3]));
    item.appendChild(head);
    if (place[4]) item.appendChild(el("p", "state-meta", place[4]));
    if (place[5].length) {
      var tape = place[1] === "tape";
      var chips = el(tape ? "ol" : "ul", "state-chips" + (tape ? " state-tape" : ""));
      place[5].forEach(function (chipIndex) {
        chips.appendChild(renderChip(data, data.chips[chipIndex]));
      });
      item.appendChild(chips);
    }
    if (place[6]) item.appendChild(el("p", "state-more", "+" + place[6] + " more"));
    return item;
  }

  function renderChip(data, chip) {
    // chip: [record, detail, status, flags, mark?]
    var mark = chip[4] || "";
    var cls = "state-chip st-" + chip[2];
    if (chip[3] & 1) cls += " is-changed";
    if (chip[3] & 2) cls += " is-ref";
    if (mark) {
      cls += " has-mark";
      if (mark.indexOf("checkpoint") >= 0) cls += " mark-checkpoint";
      if (mark.indexOf("next") >= 0) cls += " mark-next";
    }
    var item = el("li", cls);
    var id = el("span", "chip-id");
    id.appendChild(hiddenText(data.noun + " "));
    id.appendChild(document.createTextNode(chip[0]));
    item.appendChild(id);
    var detail = el("span", "chip-detail");
    detail.appendChild(hiddenText(": "));
    detail.appendChild(document.createTextNode(chip[1]));
    item.appendChild(detail);
    if (mark) {
      var markNode = el("span", "chip-mark");
      markNode.appendChild(hiddenText(", "));
      markNode.appendChild(document.createTextNode(mark));
      item.appendChild(markNode);
    }
    return item;
  }

  function start(scope) {
    (scope || document).querySelectorAll("[data-flow]").forEach(function (root) {
      if (!root.flowState) root.flowState = new State(root);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:afterSwap", function (event) { start(event.target.parentNode || document); });
})();
