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
    this.token = root.querySelector(".flow-token");
    this.index = Number(this.stage.dataset.step || 1) - 1;
    this.timer = null;
    this.speed = 1;
    this.bind();
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

  Player.prototype.show = function (index, animate) {
    this.index = index;
    var step = this.steps[index];
    var root = this.root;
    root.querySelectorAll(".flow-actor").forEach(function (g) {
      var active = g.dataset.actor === step.actor || g.dataset.actor === step.target;
      g.classList.toggle("is-active", active);
      g.className.baseVal = g.className.baseVal.replace(/ ?tone-\w+/g, "");
      if (g.dataset.actor === step.actor && !step.arrow) g.classList.add("tone-" + step.tone);
    });
    var current = null;
    root.querySelectorAll(".flow-arrow").forEach(function (path) {
      path.className.baseVal = "flow-arrow";
      if (path.dataset.arrow === step.arrow) {
        path.classList.add("is-current", "tone-" + step.tone);
        current = path;
      }
    });
    root.querySelectorAll(".flow-transcript li").forEach(function (li) {
      var on = Number(li.dataset.index) === index;
      li.classList.toggle("is-current", on);
      if (on) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    this.caption.textContent = step.caption;
    this.stage.dataset.step = String(index + 1);
    this.moveToken(current, animate);
    // The state panel, scrubber and dispositions listen for this (static/diagrams/state.js).
    root.dispatchEvent(new CustomEvent("flow:step", { detail: { index: index, animate: !!animate } }));
  };

  Player.prototype.moveToken = function (path, animate) {
    var token = this.token;
    token.getAnimations().forEach(function (a) { a.cancel(); });
    if (!path) { token.setAttribute("cx", "-20"); token.setAttribute("cy", "-20"); return; }
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
