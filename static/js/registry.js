// The registry's page behaviour on top of htmx (progressive enhancement: every form and link works
// without it). Loaded on every page after htmx; no inline script, so the CSP stays strict.
(function () {
  "use strict";

  // A failure htmx could not swap in (no answer, a network error, an answer that is not a page) is
  // said in the alert region, in the reader's language (the texts are in the region's data-*).
  function announce(kind) {
    var region = document.getElementById("page-alert");
    if (!region) return;
    region.textContent = region.dataset[kind] || region.dataset.server;
    region.hidden = false;
    region.focus();
  }

  function clearAnnouncement() {
    var region = document.getElementById("page-alert");
    if (region && !region.hidden) {
      region.hidden = true;
      region.textContent = "";
    }
  }

  // Where a swapped page sends the reader: an error summary first (a refused form), else the
  // #section the address names (a save that redirects to it), else the main content.
  function placeFocus() {
    var target = document.querySelector(".error-summary");
    if (!target && location.hash.length > 1) {
      target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    }
    if (!target) return;
    if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  document.addEventListener("htmx:beforeRequest", clearAnnouncement);
  document.addEventListener("htmx:sendError", function () { announce("network"); });
  document.addEventListener("htmx:timeout", function () { announce("network"); });
  document.addEventListener("htmx:swapError", function () { announce("server"); });
  document.addEventListener("htmx:targetError", function () { announce("server"); });
  document.addEventListener("htmx:responseError", function (event) {
    // A 5xx page is swapped in (it carries its request id); say it besides, in case the swap
    // target is a small part of the page.
    if (!event.detail.shouldSwap) announce("server");
  });

  // Opening another page (a boosted link or form) wins over answers for parts of the current page
  // still under way (a search of the list, a filter, paging): those are aborted, and none starts
  // until the page has arrived. A late answer would otherwise replace the list under the new page
  // and push the list's address over the page's own (or strip the link of its boost before its
  // answer is in, so that the page arrives without its address).
  var partial = [];
  var navigating = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    // (readyState 4: the page's answer is in, and what it asks for, e.g. HX-Location, may start)
    if (navigating && navigating.readyState !== 4 && !event.detail.boosted) event.preventDefault();
  });
  document.addEventListener("htmx:beforeSend", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.boosted) {
      navigating = xhr;
      partial.splice(0).forEach(function (other) { other.abort(); });
    } else {
      partial.push(xhr);
    }
    xhr.addEventListener("loadend", function () {
      if (navigating === xhr) navigating = null;
      var index = partial.indexOf(xhr);
      if (index >= 0) partial.splice(index, 1);
    });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // Whole-page swaps only (boosted links and forms); a live fragment must not move focus.
    if (event.detail.boosted || event.detail.target === document.body) placeFocus();
  });
  // The language switch returns to the address on the screen, which htmx may have moved on
  // (filters, paging) since the page was rendered.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form.language")) {
      form.elements.next.value = location.pathname + location.search + location.hash;
    }
  });
  // Meeting mode's live list: a reader can pause the reload (kept for this tab while it is open).
  var PAUSED = "registry.live-paused";
  function showLiveState() {
    var button = document.getElementById("live-toggle");
    if (!button) return;
    var paused = sessionStorage.getItem(PAUSED) === "1";
    var state = document.getElementById("live-state");
    button.closest(".live-control").hidden = false;
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    state.textContent = paused ? state.dataset.paused : state.dataset.running;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#live-toggle");
    if (!button) return;
    sessionStorage.setItem(PAUSED, button.getAttribute("aria-pressed") === "true" ? "0" : "1");
    showLiveState();
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id === "live-ranking" && sessionStorage.getItem(PAUSED) === "1") event.preventDefault();
  });
  document.addEventListener("htmx:load", showLiveState);

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector(".error-summary")) placeFocus();
  });
})();
