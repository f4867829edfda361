// The tiering board: drag a card onto another tier's column. Dropping sets the card's own
// tier select and submits its form, so htmx, the reason check and the plain POST stay one path.
// Another person's changes wait while a card is being moved (below).
(function () {
  "use strict";
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".launch-card[draggable]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.launch);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".board-col.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    setTimeout(release, 0);
  });

  // Another person's change comes as the whole board (the live element's answer, live.js). It
  // waits while this person is moving a card (dragging it, or in its tier and reason), so what
  // they chose and typed is not swept away, and is fetched again once they are done.
  var held = false;

  function busy() {
    var active = document.activeElement;
    return !!(dragged || (active && active.closest && active.closest("#board form.move")));
  }

  function release() {
    if (!held || busy()) return;
    held = false;
    if (window.LockstepLive) window.LockstepLive.fetch();
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!elt || elt.id !== "cycle-live" || event.detail.xhr.status !== 200 || !busy()) return;
    event.detail.shouldSwap = false;
    held = true;
  });

  document.addEventListener("focusout", function () { setTimeout(release, 0); });

  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".board-col");
    if (!column) return;
    event.preventDefault();
    document.querySelectorAll(".board-col.drop-target").forEach(function (c) { if (c !== column) c.classList.remove("drop-target"); });
    column.classList.add("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".board-col");
    if (!column) return;
    event.preventDefault();
    var form = dragged.querySelector("form.move");
    var select = form && form.querySelector("select[name=tier]");
    var tier = column.dataset.tier === "untiered" ? "" : column.dataset.tier;
    if (!select || select.value === tier) return;
    select.value = tier;
    form.requestSubmit();
  });
})();
