// Live updates of a meeting's pages (apps/meetings/views/live.py). A page that shows a meeting
// carries data-live-url; this polls it every second. The browser revalidates with the ETag it
// holds, so an unchanged meeting costs a 304 without a body. When a part of the state moves
// (votes, a decision, attendance, the case on screen), every region marked data-live with that
// part is fetched again from its data-live-src, with htmx. A region someone is typing in waits
// until they are done (its form submitted, or focus gone), so nobody loses what they typed.
// "Follow the presenter" (a checkbox, remembered per meeting) moves the page to the case the
// chair or coordinator brings up. Without JavaScript none of this runs: pages are current on
// reload.
(function () {
  "use strict";
  var INTERVAL = 1000;
  var root, url, meeting, parts = null, current = null, waiting = new Set(), loaded = Date.now();

  function followKey() { return "follow-presenter:" + meeting; }
  function following() {
    try { return window.localStorage.getItem(followKey()) === "on"; } catch (e) { return false; }
  }

  function busy(region) {
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active) &&
        active.matches("input, textarea, select")) return true;
    return region.querySelector("form[data-dirty]") !== null;
  }

  function refresh(region) {
    if (!window.htmx || !region.isConnected) return;
    if (busy(region)) { waiting.add(region); return; }
    waiting.delete(region);
    var swap = region.dataset.liveSwap || "outerHTML";
    // Each region is the source of its own request: htmx drops a second request from one
    // element while the first is out, and several regions often change at once.
    window.htmx.ajax("GET", region.dataset.liveSrc, { source: region, target: region, swap: swap });
  }

  function changed(names) {
    // Outer regions first; one being fetched again takes its inner regions with it.
    var taken = [];
    document.querySelectorAll("[data-live]").forEach(function (region) {
      var wanted = region.dataset.live.split(/\s+/).some(function (name) { return names.has(name); });
      if (!wanted) return;
      if (taken.some(function (outer) { return outer.contains(region); })) return;
      if (busy(region)) {
        // Someone is typing here: refresh what inside it can be, the rest later.
        waiting.add(region);
        region.querySelectorAll("[data-live]").forEach(function (inner) {
          if (inner.dataset.live.split(/\s+/).some(function (n) { return names.has(n); }) && !busy(inner)) {
            taken.push(inner);
          }
        });
        return;
      }
      taken.push(region);
    });
    taken.forEach(refresh);
  }

  function apply(state) {
    if (parts !== null) {
      var names = new Set();
      Object.keys(state.parts).forEach(function (name) {
        if (parts[name] !== state.parts[name]) names.add(name);
      });
      Object.keys(parts).forEach(function (name) { if (!(name in state.parts)) names.add(name); });
      if (names.size) changed(names);
    }
    parts = state.parts;
    if (state.current !== current) {
      current = state.current;
      if (following() && state.current_url && window.location.pathname !== state.current_url) {
        window.location.assign(state.current_url);
      }
    }
  }

  function poll() {
    if (document.visibilityState === "hidden") { window.setTimeout(poll, INTERVAL); return; }
    window.fetch(url, { cache: "no-cache", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) apply(state); })
      .catch(function () { /* the next poll tries again */ })
      .finally(function () {
        Array.from(waiting).forEach(function (region) { if (!busy(region)) refresh(region); });
        window.setTimeout(poll, INTERVAL);
      });
  }

  function tick() {
    // The time on the case under discussion, counted on from when the page showed it.
    document.querySelectorAll("[data-elapsed]").forEach(function (el) {
      if (!el.dataset.shownAt) el.dataset.shownAt = String(Date.now());
      var seconds = Number(el.dataset.elapsed) + (Date.now() - Number(el.dataset.shownAt)) / 1000;
      var minutes = Math.floor(seconds / 60);
      el.textContent = seconds < 60 ? Math.floor(seconds) + " s"
        : minutes < 60 ? minutes + " min" : Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min";
    });
  }

  function setUpFollow() {
    document.querySelectorAll("input[data-follow]").forEach(function (box) {
      box.checked = following();
      var label = box.closest("label");
      if (label) label.hidden = false;
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("input[data-follow]")) {
      try { window.localStorage.setItem(followKey(), box.checked ? "on" : "off"); } catch (e) { /* private mode */ }
      if (box.checked && current !== null && parts !== null) {
        current = null; // go to the case on screen at the next poll
      }
    }
  });
  // A form someone has typed in is "dirty" until it is submitted.
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form) form.dataset.dirty = "true";
  });
  document.addEventListener("submit", function (event) { delete event.target.dataset.dirty; });
  // A refresh asked for while nobody was typing may come back once someone has started (a box
  // ticked, a word typed): then it is not swapped in, and is asked for again when they are done.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var region = event.detail.target;
    var config = event.detail.requestConfig || {};
    if (config.elt === region && config.verb === "get" && region.hasAttribute("data-live") && busy(region)) {
      event.detail.shouldSwap = false;
      waiting.add(region);
    }
  });
  document.addEventListener("htmx:afterSwap", setUpFollow);

  document.addEventListener("DOMContentLoaded", function () {
    root = document.querySelector("[data-live-url]");
    if (!root) return;
    url = root.dataset.liveUrl;
    meeting = root.dataset.meeting;
    setUpFollow();
    window.setInterval(tick, 1000);
    poll();
  });
})();
