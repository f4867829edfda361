// The matrix grid (the WAI-ARIA grid pattern): the grid is one Tab stop; arrow keys move
// between cells and headers, Home/End to a row's ends, Ctrl+Home/End to the grid's; R/A/C/I
// set letters, Shift+A or A then R sets A/R, Backspace clears, Enter or a click opens the
// menu; Ctrl+Z (Cmd+Z) undoes the person's last edit and Ctrl+Shift+Z or Ctrl+Y redoes it;
// pasting a block copied from a spreadsheet fills it from the focused cell. One delegated
// listener serves every cell; cells are links to a form page, so the grid also works without
// this script.
//
// Focus belongs to the person typing: answers to edits and the live refresh change a cell's
// letter, class and version in place, so the element that has focus is never replaced and
// focus never jumps back to a cell edited earlier.
//
// Every incoming change goes through one function, `LockstepGrid.apply(change)`: the live
// refresh and the answers to edits call it (their out-of-band cells and badges are turned
// into a change), and so can any other feed of changes. See `apply` below for its shape.
//
// What this script relies on in the grid's markup: `#grid` (with `data-cells`, the base URL
// of the cell endpoints) holding `table.grid`; cells whose id is `c-<activity>-<role>` (or
// `cell-<activity>-<role>`), an `a` when editable, with `data-v` (the version) and the
// letter as a class `vR` `vA` `vAR` `vC` `vI` (or `data-value`); badges `rb-<activity>`
// and `cb-<role>`; the menu `#cell-menu` with one `button[data-value]` per letter; `#live`
// (`data-since`), `#paste-link`, `#undo-form`, `#redo-form`, `#grid-waiting`, `#grid-refresh`
// and `.matrix-main` around it all.
(function () {
  "use strict";
  var KEYS = { r: "R", a: "A", c: "C", i: "I" };
  var lastKey = { cell: null, key: "", at: 0 };
  var menu, menuCell = null;
  var stopId = null; // the id of the cell that is the grid's Tab stop, kept across grid swaps

  function cellsBase() { var g = document.getElementById("grid"); return g ? g.dataset.cells : ""; }
  var CELL = "[id^='c-'], [id^='cell-']";
  var CELL_ID = /^(?:c|cell)-(\d+)-(\d+)$/;
  function isCell(el) { return !!(el && el.matches && el.matches(CELL) && CELL_ID.test(el.id) && el.closest("#grid")); }
  function isEditable(cell) { return cell.tagName === "A"; }
  function ids(cell) { var p = CELL_ID.exec(cell.id); return { a: p[1], r: p[2] }; }
  function cellOf(activity, role) {
    var cell = document.getElementById("c-" + activity + "-" + role) || document.getElementById("cell-" + activity + "-" + role);
    return isCell(cell) ? cell : null;
  }
  function table() { return document.querySelector("#grid table.grid"); }

  // What the arrow keys reach: cells and the links in the row and column headers, but not
  // the fields and buttons of a form opened inside a header (Tab serves those).
  function items(scope) {
    return Array.prototype.filter.call(scope.querySelectorAll("a[href], " + CELL),
      function (el) { return !el.closest("form"); });
  }
  function isItem(el) { return !!(el && el.closest && table() && table().contains(el) && el.matches("a[href], " + CELL) && !el.closest("form")); }
  function rows() { var t = table(); return t ? Array.prototype.filter.call(t.rows, function (tr) { return !tr.classList.contains("phase"); }) : []; }

  function setStop(el) {
    var t = table();
    if (!t) return;
    t.querySelectorAll("[tabindex='0']").forEach(function (other) { if (other !== el && isItem(other)) other.tabIndex = -1; });
    el.tabIndex = 0;
    if (el.id) stopId = el.id;
  }
  function focusItem(el) { setStop(el); el.focus(); }

  // Every item leaves the Tab order but one: the cell last focused, else the first cell.
  function rove() {
    var t = table();
    if (!t) return;
    var all = items(t);
    all.forEach(function (el) { el.tabIndex = -1; });
    var active = document.activeElement;
    var stop = (isItem(active) && active) || (stopId && document.getElementById(stopId)) || t.querySelector(CELL) || all[0];
    if (stop) setStop(stop);
  }

  function last(list) { return list[list.length - 1]; }
  function move(el, key, ctrl) {
    var tr = el.closest("tr"), list = rows(), row = items(tr), index = row.indexOf(el);
    var target = null;
    if (key === "ArrowLeft") target = row[index - 1];
    else if (key === "ArrowRight") target = row[index + 1];
    else if (key === "Home") target = ctrl ? table().querySelector(CELL) : row[0];
    else if (key === "End") target = ctrl ? last(table().querySelectorAll(CELL)) : row[row.length - 1];
    else {
      var column = el.closest("td, th").cellIndex;
      var next = list[list.indexOf(tr) + (key === "ArrowUp" ? -1 : 1)];
      if (next && next.cells[column]) target = items(next.cells[column])[0];
    }
    if (target) focusItem(target);
  }

  // Edits to one cell go out one after another, each with the version the previous answer
  // left on the cell, so quick typing ("A" then "R") never conflicts with itself. The answer
  // is applied out of band (swap "none"), so it patches the cell wherever focus is.
  // A letter picked from the menu carries the version the cell had when the menu opened
  // (`seen`): if someone else's edit arrived meanwhile, the server refuses it as stale.
  var queue = {};
  function send(cell, value, seen) {
    var id = cell.id;
    var k = ids(cell);
    queue[id] = (queue[id] || Promise.resolve()).then(function () {
      var fresh = document.getElementById(id);
      if (!fresh) return null;
      return htmx.ajax("POST", cellsBase() + k.a + "/" + k.r + "/", {
        source: fresh, target: fresh, swap: "none", selectOOB: "#grid,#" + id,
        values: { value: value, version: seen !== undefined ? seen : fresh.dataset.v }
      });
    }).catch(function () { return null; });
  }

  // Undo and paste wait for the edits still on their way, so they act on what the person
  // sees; their answers patch the cells they changed in place, like the live refresh.
  function pending() { return Promise.all(Object.keys(queue).map(function (id) { return queue[id]; })); }
  function undo(which) {
    var form = document.getElementById(which + "-form");
    if (!form) return;
    pending().then(function () { return htmx.ajax("POST", form.action, { source: form, swap: "none" }); });
  }
  function paste(cell, text) {
    var link = document.getElementById("paste-link"), live = document.getElementById("live");
    if (!link) return;
    var k = ids(cell);
    pending().then(function () {
      return htmx.ajax("POST", link.pathname, {
        source: cell, swap: "none",
        values: { activity: k.a, role: k.r, text: text, since: live ? live.dataset.since : "0" }
      });
    });
  }
  // The form "Paste a block" starts at the cell last focused.
  function pointPaste(cell) {
    var link = document.getElementById("paste-link");
    if (!link || !isCell(cell)) return;
    var k = ids(cell);
    link.search = "?activity=" + k.a + "&role=" + k.r;
  }

  // LockstepGrid.apply(change) applies a change that arrived (from the live refresh, an
  // edit's answer, or any other feed) to the grid on the page:
  //   change.cells:  [{ activity, role, value ("R" "A" "AR" "C" "I" or ""), version,
  //                     remote (someone else's edit: it flashes), conflict (a refused edit),
  //                     className (optional: the class the server gave the cell) }]
  //   change.badges: [{ id ("rb-<activity>" or "cb-<role>"), node (an element) or html }]
  // A cell is changed in place (focus stays where it is); a state older than the one shown
  // is ignored; an open letter menu on the cell shows its new letter. Returns how many
  // cells were on the page.
  var DISPLAY = { R: "R", A: "A", AR: "A/R", C: "C", I: "I", "": "" };
  function apply(change) {
    var found = 0;
    (change.cells || []).forEach(function (c) { if (applyCell(c)) found += 1; });
    (change.badges || []).forEach(applyBadge);
    return found;
  }
  function applyCell(c) {
    var cell = cellOf(c.activity, c.role);
    if (!cell) return false;
    var known = cell.dataset.v, version = c.version === undefined || c.version === null ? undefined : String(c.version);
    if (version !== undefined && known !== undefined && Number(version) < Number(known)) return true;
    var value = c.value || "";
    var css = c.className || ("c" + (value ? " v" + value : "") + (c.remote ? " remote" : "") + (c.conflict ? " conflict" : ""));
    if ((c.remote || c.conflict) && cell.className === css) { cell.className = "c"; void cell.offsetWidth; }
    cell.className = css;
    if (version !== undefined && known !== undefined) cell.dataset.v = version;
    if (cell.dataset.value !== undefined) cell.dataset.value = value;
    if (cell.textContent !== DISPLAY[value]) cell.textContent = DISPLAY[value];
    if (value) cell.removeAttribute("aria-label");
    else if (isEditable(cell)) cell.setAttribute("aria-label", "empty");
    if (menuCell && menuCell.id === cell.id) menuFollows(cell, value, version, !!c.remote);
    return true;
  }
  function applyBadge(b) {
    var now = document.getElementById(b.id);
    if (!now) return;
    var node = b.node;
    if (!node) {
      var box = document.createElement("div");
      box.innerHTML = b.html || "";
      node = box.firstElementChild;
    }
    if (!node) return;
    node.removeAttribute("hx-swap-oob");
    node.id = b.id;
    now.replaceWith(node);
  }
  // An out-of-band cell or badge from an htmx answer, as a change for `apply`.
  function changeFrom(now, incoming) {
    if (isCell(now)) {
      var k = ids(now);
      var flags = incoming.className || "";
      return { cells: [{
        activity: k.a, role: k.r, value: valueOf(incoming), version: incoming.dataset.v,
        remote: /\bremote\b/.test(flags), conflict: /\bconflict\b/.test(flags), className: flags
      }] };
    }
    if (/^(rb|cb)-\d+$/.test(now.id)) return { badges: [{ id: now.id, node: incoming }] };
    return null;
  }
  window.LockstepGrid = { apply: apply };

  // Pushed changes (static/js/live.js): cells go through `apply`, like everything else.
  if (window.LockstepLive) {
    window.LockstepLive.on("cells", function (data) { apply({ cells: data.cells, badges: data.badges }); });
    window.LockstepLive.on("panel", function (data) {
      var now = document.getElementById("findings-panel"), seen = document.getElementById("panel-seq");
      if (!now || (seen && Number(seen.value) >= data.seq)) return;
      var box = document.createElement("div");
      box.innerHTML = data.html;
      var node = box.firstElementChild;
      if (!node) return;
      now.replaceWith(node);
      htmx.process(node);
    });
  }

  // A change to rows or columns replaces the whole grid; it waits while someone is typing in
  // a form of the matrix (or has one open in a header), and says so instead.
  function busyForm() {
    var main = document.querySelector(".matrix-main");
    if (!main) return false;
    if (document.querySelector("#grid form")) return true;
    return Array.prototype.some.call(main.querySelectorAll("form input:not([type=hidden]):not([type=file]), form textarea, form select"), function (field) {
      if (field.tagName === "SELECT") {
        var initial = Array.prototype.findIndex.call(field.options, function (o) { return o.defaultSelected; });
        return field.selectedIndex !== Math.max(initial, 0);
      }
      return field.value !== field.defaultValue;
    }) || !!main.querySelector(".adders .field-error");
  }
  function showWaiting() {
    var box = document.getElementById("grid-waiting");
    if (box) box.hidden = false;
  }
  function refreshGrid() {
    var box = document.getElementById("grid-waiting");
    if (box) box.hidden = true;
    return htmx.ajax("GET", window.location.href, { source: document.getElementById("grid"), target: "#grid", select: "#grid", swap: "outerHTML" });
  }

  // A form of the matrix that is refused (422) keeps what was typed: the message goes next to
  // the field it concerns, instead of replacing the grid.
  function formOf(elt) { return elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form")); }
  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (f) { f.removeAttribute("aria-invalid"); f.removeAttribute("aria-describedby"); });
  }
  function showError(form, name, message) {
    clearErrors(form);
    var fields = Array.prototype.filter.call(form.elements, function (f) { return f.type !== "hidden" && f.tagName !== "BUTTON"; });
    var field = fields.filter(function (f) { return f.name === name; })[0] || fields[0];
    var p = document.createElement("p");
    p.className = "field-error";
    p.id = (form.id || "form") + "-" + (field ? field.name : "error") + "-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    var row = field && field.closest(".row-fields");
    if (row) row.parentNode.insertBefore(p, row.nextSibling);
    else if (field) field.parentNode.insertBefore(p, field.nextSibling);
    else form.appendChild(p);
    if (field) { field.setAttribute("aria-invalid", "true"); field.setAttribute("aria-describedby", p.id); field.focus(); }
  }

  // The open menu follows its cell: the current letter is marked, and a change by someone
  // else since it opened is named (a pick from it is then refused as stale).
  var menuSeen;
  function markCurrent(value) {
    menu.querySelectorAll("button[data-value]").forEach(function (b) {
      var on = b.dataset.value === value;
      b.classList.toggle("current", on);
      if (on) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
    });
  }
  function menuNote(text) {
    var note = menu.querySelector(".menu-note");
    if (!text) { if (note) note.remove(); return; }
    if (!note) {
      note = document.createElement("p");
      note.className = "menu-note";
      note.setAttribute("role", "status");
      menu.insertBefore(note, menu.firstChild);
    }
    note.textContent = text;
  }
  function menuFollows(cell, value, version, remote) {
    if (menu.hidden) return;
    markCurrent(value);
    if (!remote) { if (version !== undefined) menuSeen = version; return; }
    if (version !== undefined && menuSeen !== undefined && Number(version) > Number(menuSeen)) {
      menuNote("Someone else just changed this cell: it is now " + (DISPLAY[value] || "empty") + ".");
    }
  }
  function openMenu(cell) {
    menuCell = cell;
    menuSeen = cell.dataset.v;
    menuNote("");
    markCurrent(valueOf(cell));
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
    menuNote("");
  }
  function valueOf(cell) {
    if (cell.dataset && cell.dataset.value !== undefined) return cell.dataset.value;
    var m = /\bv(AR|R|A|C|I)\b/.exec(cell.className);
    return m ? m[1] : "";
  }

  var MOVES = { ArrowLeft: 1, ArrowRight: 1, ArrowUp: 1, ArrowDown: 1, Home: 1, End: 1 };
  function onKey(event) {
    var el = event.target;
    var letter = event.key.toLowerCase();
    if (isItem(el) && (event.ctrlKey || event.metaKey) && !event.altKey && (letter === "z" || (letter === "y" && !event.shiftKey))) {
      event.preventDefault();
      undo(letter === "y" || event.shiftKey ? "redo" : "undo");
      return;
    }
    if (!isItem(el) || event.metaKey || event.altKey) return;
    var key = event.key;
    if (MOVES[key] && (!event.ctrlKey || key === "Home" || key === "End")) { event.preventDefault(); move(el, key, event.ctrlKey); return; }
    if (event.ctrlKey || !isCell(el) || !isEditable(el)) return;
    var cell = el;
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
    layout.addEventListener("focusin", function (event) { if (isItem(event.target)) { setStop(event.target); pointPaste(event.target); } });
    layout.addEventListener("paste", function (event) {
      var cell = event.target;
      if (!isCell(cell) || !isEditable(cell)) return;
      var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
      if (!text) return;
      event.preventDefault();
      paste(cell, text);
    });
    layout.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("#grid-refresh")) { event.preventDefault(); refreshGrid(); return; }
      var cell = event.target.closest && event.target.closest(CELL);
      // A cell one may only read is a span: a click shows nothing to pick.
      if (!isCell(cell) || !isEditable(cell)) return;
      event.preventDefault();
      focusItem(cell);
      openMenu(cell);
    });
    // The skip link lands on the grid's Tab stop, ready for the arrow keys.
    var skip = document.querySelector("a.skip[href='#grid']");
    if (skip) skip.addEventListener("click", function (event) {
      var stop = table() && table().querySelector("[tabindex='0']");
      if (stop) { event.preventDefault(); stop.focus(); }
    });
    menu.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-value]");
      if (!button || !menuCell) return;
      var cell = document.getElementById(menuCell.id) || menuCell, seen = menuSeen;
      closeMenu(false);
      cell.focus();
      send(cell, button.dataset.value, seen);
    });
    menu.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(menu.querySelectorAll("button"));
      var i = buttons.indexOf(document.activeElement);
      if (event.key === "Escape") { event.preventDefault(); closeMenu(true); }
      else if (event.key === "ArrowDown") { event.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
      else if (event.key === "Tab") { closeMenu(true); }
      else if (KEYS[event.key.toLowerCase()] && menuCell) {
        event.preventDefault();
        var cell = document.getElementById(menuCell.id) || menuCell, seen = menuSeen;
        closeMenu(true);
        send(cell, event.shiftKey && event.key.toLowerCase() === "a" ? "AR" : KEYS[event.key.toLowerCase()], seen);
      }
    });
    document.addEventListener("click", function (event) {
      if (!menu.hidden && !menu.contains(event.target) && !(event.target.closest && event.target.closest(CELL))) closeMenu(false);
    });
    document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
      var now = event.detail.target, incoming = event.detail.fragment && event.detail.fragment.firstElementChild;
      var change = now && incoming && incoming.tagName === now.tagName ? changeFrom(now, incoming) : null;
      if (change) {
        apply(change);
        event.detail.shouldSwap = false;
      } else if (now && now.id === "grid" && busyForm()) {
        event.detail.shouldSwap = false;
        showWaiting();
      }
    });
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var source = event.detail.requestConfig && event.detail.requestConfig.elt;
      var form = formOf(source), xhr = event.detail.xhr;
      if (!form || !layout.contains(form) || xhr.status !== 422) return;
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var error = doc.querySelector("#grid .form-error");
      event.detail.shouldSwap = false;
      showError(form, xhr.getResponseHeader("X-Error-Field") || "", error ? error.textContent : "Check the form.");
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var form = formOf(event.detail.elt);
      if (form && layout.contains(form) && event.detail.successful && event.detail.xhr.status < 300) clearErrors(form);
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var elt = event.detail.elt;
      if (elt && (elt.id === "grid" || (elt.closest && elt.closest("#grid")))) rove();
    });
    document.body.addEventListener("htmx:oobAfterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "grid") rove();
    });
  });
})();
