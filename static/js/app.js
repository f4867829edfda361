// Small behaviours shared by every page. No inline handlers anywhere: the CSP forbids them.
(function () {
  "use strict";

  function dismissLater(toast) {
    if (toast.dataset.timed) return;
    toast.dataset.timed = "1";
    setTimeout(function () { toast.remove(); }, toast.classList.contains("error") ? 12000 : 6000);
  }

  function settle(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(".toast").forEach(dismissLater);
    var focus = root.querySelector && root.querySelector("[data-autofocus]");
    if (focus) { focus.focus(); if (focus.select) focus.select(); }
  }

  document.addEventListener("DOMContentLoaded", function () { settle(document); });
  document.addEventListener("htmx:afterSettle", function (event) { settle(event.detail.elt); settle(document.getElementById("toasts")); });

  // Forms marked data-reset-on-success are emptied once the server accepted them.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful && event.detail.xhr.status < 300) {
      form.reset();
      var first = form.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    }
  });

  // A request that fails outright (network, 5xx) says so instead of failing silently. The
  // live refresh (the element polling for others' changes) saves nothing: its failure is one
  // message saying the refresh failed, kept while it fails and removed when it works again.
  function isLiveRefresh(elt) { return !!(elt && elt.matches && elt.matches("#live, #ws-live, [data-live-refresh]")); }
  function liveFailed(why) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var div = document.getElementById("live-failed");
    if (!div) {
      div = document.createElement("div");
      div.id = "live-failed";
      div.className = "toast error";
      div.dataset.timed = "1"; // stays until the refresh works again
      div.setAttribute("role", "alert");
      box.appendChild(div);
    }
    var text = "The live refresh failed (" + why + "): others' changes are not showing. Retrying; your own edits are saved as usual.";
    if (div.textContent !== text) div.textContent = text;
  }
  function liveWorks() {
    var div = document.getElementById("live-failed");
    if (div) div.remove();
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (isLiveRefresh(event.detail.elt)) { liveFailed("the server answered " + status); return; }
    toast(status === 403 ? "Your access to this workspace is view-only: ask an admin to make you an editor."
      : "The server could not do that (" + status + "). Reload the page and try again; nothing was half saved.");
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (isLiveRefresh(event.detail.elt)) { liveFailed("the server could not be reached"); return; }
    toast("Could not reach the server. Check your connection; nothing was saved.");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (isLiveRefresh(event.detail.elt) && event.detail.successful) liveWorks();
  });

  // "Copy link" buttons copy the field they name; without clipboard access the text is
  // selected, ready for the keyboard's copy.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(function () { button.textContent = "Copied"; }, function () {});
    }
  });

  function toast(text) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var div = document.createElement("div");
    div.className = "toast error";
    div.setAttribute("role", "alert");
    div.textContent = text;
    box.appendChild(div);
    dismissLater(div);
  }
  window.lockstepToast = toast;
})();
