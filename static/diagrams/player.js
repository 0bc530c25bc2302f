// The flow diagram player: progressive enhancement of the server-rendered diagram and its ?step=N links.
// State lives in CSS classes; movement uses the Web Animations API; nothing moves under reduced motion.
(function () {
  "use strict";
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function Player(root) {
    this.root = root;
    this.uid = root.id.replace(/^flow-/, "");
    this.steps = JSON.parse(document.getElementById("steps-" + this.uid).textContent);
    this.stage = root.querySelector(".flow-stage");
    this.caption = root.querySelector(".flow-caption");
    this.index = Number(this.stage.dataset.step || 1) - 1;
    this.timer = null;
    this.speed = 1;
    this.bind();
    // The server estimated the label pills' widths; measure the real text now that it is drawn.
    root.querySelectorAll(".flow-label").forEach(function (g) { fitPill(g, g.querySelector("text").textContent); });
  }

  Player.prototype.bind = function () {
    var self = this;
    this.root.querySelectorAll("[data-go]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        self.stop();
        self.go(link.dataset.go);
      });
    });
    this.stage.addEventListener("keydown", function (event) {
      var moves = { ArrowRight: "next", ArrowLeft: "prev", Home: "first", End: "last" };
      if (moves[event.key]) {
        event.preventDefault();
        self.stop();
        self.go(moves[event.key]);
      }
    });
    this.root.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
    this.autoplay = this.root.querySelector("[data-autoplay]");
    this.autoplay.addEventListener("click", function () { self.timer ? self.stop() : self.play(); });
    this.root.querySelector("[data-speed]").addEventListener("change", function (event) {
      self.speed = Number(event.target.value) || 1;
    });
  };

  Player.prototype.go = function (where) {
    var last = this.steps.length - 1;
    var target = { first: 0, last: last, next: Math.min(last, this.index + 1), prev: Math.max(0, this.index - 1) }[where];
    this.show(target, where === "next" || where === "last");
  };

  // What each arrow says at step `index`: the last action along it so far, else the first one still to come
  // (the same rule as Diagram.arrow_labels on the server).
  Player.prototype.labelsAt = function (index) {
    var labels = {};
    for (var i = 0; i < this.steps.length; i += 1) {
      var s = this.steps[i];
      if (s.arrow && (i <= index || !(s.arrow in labels))) labels[s.arrow] = s.label;
    }
    return labels;
  };

  // Resize a label's pill to its text, keeping the side it is anchored by.
  function fitPill(group, text) {
    var label = group.querySelector("text");
    var rect = group.querySelector("rect");
    if (label.textContent !== text) label.textContent = text;
    var width;
    try { width = label.getComputedTextLength(); } catch (e) { return; }
    if (!width) return;  // not rendered (the other layout): the server's estimate stays
    var w = width + 16;
    var ax = Number(group.dataset.ax);
    var x = { start: ax, middle: ax - w / 2, end: ax - w }[group.dataset.anchor] || ax - w / 2;
    rect.setAttribute("x", x.toFixed(1));
    rect.setAttribute("width", w.toFixed(1));
    label.setAttribute("x", (x + w / 2).toFixed(1));
  }

  Player.prototype.show = function (index, animate) {
    this.index = index;
    var step = this.steps[index];
    var root = this.root;
    var next = root.querySelector("[data-go=next]");
    if (next) {  // at the last step, Next is no longer the thing to press
      var atEnd = index >= this.steps.length - 1;
      next.classList.toggle("btn-primary", !atEnd);
      next.classList.toggle("btn-quiet", atEnd);
      if (atEnd) next.setAttribute("aria-disabled", "true"); else next.removeAttribute("aria-disabled");
    }
    var labels = this.labelsAt(index);
    root.querySelectorAll(".flow-actor").forEach(function (g) {
      var active = g.dataset.actor === step.actor || g.dataset.actor === step.target;
      var own = g.dataset.actor === step.actor && !step.arrow;
      g.classList.toggle("is-active", active);
      g.className.baseVal = g.className.baseVal.replace(/ ?tone-\w+/g, "");
      if (own) g.classList.add("tone-" + step.tone);
      var status = g.querySelector(".flow-status");
      if (status) status.textContent = own ? step.label : "";
    });
    root.querySelectorAll(".flow-arrow, .flow-label").forEach(function (g) {
      var base = g.classList.contains("flow-label") ? "flow-label" : "flow-arrow";
      g.className.baseVal = base;
      if (g.dataset.arrow === step.arrow) g.classList.add("is-current", "tone-" + step.tone);
      if (base === "flow-label" && labels[g.dataset.arrow] !== undefined) fitPill(g, labels[g.dataset.arrow]);
    });
    root.querySelectorAll(".flow-transcript li").forEach(function (li) {
      var on = Number(li.dataset.index) === index;
      li.classList.toggle("is-current", on);
      if (on) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    this.caption.textContent = step.caption;
    this.stage.dataset.step = String(index + 1);
    var self = this;
    root.querySelectorAll(".flow-svg").forEach(function (svg) {
      var line = step.arrow ? svg.querySelector('.flow-arrow[data-arrow="' + step.arrow + '"] .flow-line') : null;
      self.moveToken(svg.querySelector(".flow-token"), line, animate && svg.getClientRects().length > 0);
    });
    // The state panel, scrubber and dispositions listen for this (static/diagrams/state.js).
    root.dispatchEvent(new CustomEvent("flow:step", { detail: { index: index, animate: !!animate } }));
  };

  // The token sits at the end of the current arrow; it travels there only when asked and motion is allowed.
  Player.prototype.moveToken = function (token, path, animate) {
    if (!token) return;
    token.getAnimations().forEach(function (a) { a.cancel(); });
    if (!path) { token.setAttribute("cx", "-20"); token.setAttribute("cy", "-20"); token.style.transform = ""; return; }
    var length = path.getTotalLength();
    var end = path.getPointAtLength(length);
    token.setAttribute("cx", "0"); token.setAttribute("cy", "0");
    token.style.transform = "translate(" + end.x + "px," + end.y + "px)";
    if (!animate || (reduced && reduced.matches)) return;  // reduced motion: the token just appears
    var frames = [];
    for (var i = 0; i <= 12; i += 1) {
      var point = path.getPointAtLength(length * i / 12);
      frames.push({ transform: "translate(" + point.x + "px," + point.y + "px)" });
    }
    token.animate(frames, { duration: 700 / this.speed, easing: "ease-in-out" });
  };

  Player.prototype.play = function () {
    var self = this;
    this.autoplay.setAttribute("aria-pressed", "true");
    this.autoplay.textContent = "Pause";
    if (this.index >= this.steps.length - 1) this.show(0, false);
    var tick = function () {
      if (self.index >= self.steps.length - 1) { self.stop(); return; }
      self.show(self.index + 1, true);
      self.timer = window.setTimeout(tick, 1400 / self.speed);
    };
    this.timer = window.setTimeout(tick, 1400 / this.speed);
  };

  Player.prototype.stop = function () {
    if (this.timer) window.clearTimeout(this.timer);
    this.timer = null;
    if (this.autoplay) {
      this.autoplay.setAttribute("aria-pressed", "false");
      this.autoplay.textContent = "Autoplay";
    }
  };

  function start(scope) {
    (scope || document).querySelectorAll("[data-flow]").forEach(function (root) {
      if (!root.player) root.player = new Player(root);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:afterSwap", function (event) { start(event.target.parentNode || document); });
})();
