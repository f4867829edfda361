// The matrix grid: arrow keys move between cells, R/A/C/I set letters, Shift+A or A then R
// sets A/R, Backspace clears, Enter or a click opens the menu. One delegated listener
// serves every cell; cells are links to a form page, so the grid also works without this.
(function () {
  "use strict";
  var KEYS = { r: "R", a: "A", c: "C", i: "I" };
  var lastKey = { cell: null, key: "", at: 0 };
  var menu, menuCell = null;

  function cellsBase() { var g = document.getElementById("grid"); return g ? g.dataset.cells : ""; }
  function isCell(el) { return el && el.matches && el.matches("a.c[id^='c-']"); }
  function ids(cell) { var p = cell.id.split("-"); return { a: p[1], r: p[2] }; }

  // Edits to one cell go out one after another, each with the version the previous answer
  // left on the cell, so quick typing ("A" then "R") never conflicts with itself.
  var queue = {};
  function send(cell, value) {
    var id = cell.id;
    var k = ids(cell);
    queue[id] = (queue[id] || Promise.resolve()).then(function () {
      var fresh = document.getElementById(id);
      if (!fresh) return null;
      return htmx.ajax("POST", cellsBase() + k.a + "/" + k.r + "/", {
        source: fresh, target: "#" + id, swap: "outerHTML",
        values: { value: value, version: fresh.dataset.v }
      });
    }).catch(function () { return null; });
  }

  function rowCells(tr) { return tr ? Array.prototype.slice.call(tr.querySelectorAll("a.c")) : []; }
  function dataRows() { return Array.prototype.slice.call(document.querySelectorAll("#grid tbody tr[id^='row-']")); }

  function moveFrom(cell, dx, dy) {
    var tr = cell.closest("tr");
    var col = rowCells(tr).indexOf(cell);
    if (dx) {
      var row = rowCells(tr);
      var next = row[col + dx];
      if (next) focusCell(next);
      return;
    }
    var rows = dataRows();
    var index = rows.indexOf(tr) + dy;
    if (index >= 0 && index < rows.length) {
      var target = rowCells(rows[index])[col];
      if (target) focusCell(target);
    }
  }

  function focusCell(cell) {
    document.querySelectorAll("#grid a.c[tabindex='0']").forEach(function (c) { c.tabIndex = -1; });
    cell.tabIndex = 0;
    cell.focus();
  }

  function rove() {
    var cells = document.querySelectorAll("#grid a.c");
    var active = document.activeElement;
    var keep = isCell(active) ? active : null;
    cells.forEach(function (c, i) { c.tabIndex = (keep ? c === keep : i === 0) ? 0 : -1; });
  }

  function openMenu(cell) {
    menuCell = cell;
    var box = cell.getBoundingClientRect();
    menu.hidden = false;
    // Open upwards when the menu would run off the bottom of the window.
    var below = box.bottom + 4 + menu.offsetHeight <= window.innerHeight;
    menu.style.left = (window.scrollX + Math.min(box.left, window.innerWidth - menu.offsetWidth - 8)) + "px";
    menu.style.top = (window.scrollY + (below ? box.bottom + 4 : box.top - menu.offsetHeight - 4)) + "px";
    var current = menu.querySelector("[data-value='" + valueOf(cell) + "']") || menu.querySelector("button");
    current.focus();
  }
  function closeMenu(refocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    if (refocus && menuCell && document.getElementById(menuCell.id)) document.getElementById(menuCell.id).focus();
    menuCell = null;
  }
  function valueOf(cell) {
    var m = /\bv(AR|R|A|C|I)\b/.exec(cell.className);
    return m ? m[1] : "";
  }

  function onKey(event) {
    var cell = event.target;
    if (!isCell(cell) || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[key]) { event.preventDefault(); moveFrom(cell, moves[key][0], moves[key][1]); return; }
    if (key === "Enter" || key === " ") { event.preventDefault(); openMenu(cell); return; }
    if (key === "Backspace" || key === "Delete") { event.preventDefault(); send(cell, ""); return; }
    var lower = key.toLowerCase();
    if (!KEYS[lower]) return;
    event.preventDefault();
    var now = Date.now();
    var value = KEYS[lower];
    if (lower === "a" && event.shiftKey) value = "AR";
    if (lower === "r" && lastKey.cell === cell.id && lastKey.key === "a" && now - lastKey.at < 1200) value = "AR";
    lastKey = { cell: cell.id, key: lower, at: now };
    send(cell, value);
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu = document.getElementById("cell-menu");
    var layout = document.querySelector(".matrix-main");
    if (!menu || !layout) return;
    rove();
    layout.addEventListener("keydown", onKey);
    layout.addEventListener("click", function (event) {
      var cell = event.target.closest && event.target.closest("a.c");
      if (!isCell(cell)) return;
      event.preventDefault();
      focusCell(cell);
      openMenu(cell);
    });
    menu.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-value]");
      if (!button || !menuCell) return;
      var cell = menuCell;
      closeMenu(false);
      cell.focus();
      send(cell, button.dataset.value);
    });
    menu.addEventListener("keydown", function (event) {
      var items = Array.prototype.slice.call(menu.querySelectorAll("button"));
      var i = items.indexOf(document.activeElement);
      if (event.key === "Escape") { event.preventDefault(); closeMenu(true); }
      else if (event.key === "ArrowDown") { event.preventDefault(); items[(i + 1) % items.length].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
      else if (event.key === "Tab") { closeMenu(true); }
      else if (KEYS[event.key.toLowerCase()] && menuCell) {
        event.preventDefault();
        var cell = menuCell;
        closeMenu(true);
        send(cell, event.shiftKey && event.key.toLowerCase() === "a" ? "AR" : KEYS[event.key.toLowerCase()]);
      }
    });
    document.addEventListener("click", function (event) {
      if (!menu.hidden && !menu.contains(event.target) && !(event.target.closest && event.target.closest("a.c"))) closeMenu(false);
    });
    // A poll can answer with a cell older than the one an edit just put there.
    document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
      var now = event.detail.target, incoming = event.detail.fragment && event.detail.fragment.firstElementChild;
      if (isCell(now) && incoming && incoming.dataset && Number(incoming.dataset.v) < Number(now.dataset.v)) {
        event.detail.shouldSwap = false;
      }
    });
    document.body.addEventListener("htmx:oobAfterSwap", function () { rove(); });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.elt && event.detail.elt.id === "grid") rove();
      var target = event.detail.elt;
      if (isCell(target)) { var fresh = document.getElementById(target.id); if (fresh) focusCell(fresh); }
    });
  });
})();
