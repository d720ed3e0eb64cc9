// Emploi Montagne: the little the pages need beyond htmx. No inline scripts (CSP).
(function () {
  "use strict";
  var filtersOpen = null;
  var moreOpen = [];
  var focused = "";
  // Keep the "Filtres" panel and the "Tous les métiers" lists as the visitor left them when
  // htmx swaps the results (a list the server opened, holding a ticked value, stays open).
  document.addEventListener("htmx:beforeSwap", function () {
    var panel = document.querySelector(".facets-toggle");
    filtersOpen = panel ? panel.open : null;
    moreOpen = [];
    focused = document.activeElement ? document.activeElement.id : "";
    document.querySelectorAll("details.facet-more[open]").forEach(function (more) {
      moreOpen.push(more.getAttribute("data-facet-more"));
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    var panel = document.querySelector(".facets-toggle");
    if (panel && filtersOpen !== null) { panel.open = filtersOpen; }
    document.querySelectorAll("details.facet-more").forEach(function (more) {
      if (moreOpen.indexOf(more.getAttribute("data-facet-more")) !== -1) { more.open = true; }
    });
    // htmx cannot give the focus back to a box that was inside a closed list: do it now.
    var box = focused ? document.getElementById(focused) : null;
    if (box && document.activeElement !== box && box.closest("details.facet-more")) { box.focus(); }
  });
  // Wide screens show the filters beside the results: open the panel there.
  function openOnWideScreens() {
    var panel = document.querySelector(".facets-toggle");
    if (panel && window.matchMedia("(min-width: 56rem)").matches) { panel.open = true; }
  }
  document.addEventListener("DOMContentLoaded", openOnWideScreens);
})();
