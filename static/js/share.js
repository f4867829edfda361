// A share page stays current without the workspace's live push: now and then it asks
// whether what it shows changed since the version it was drawn at ("changes/?since=N":
// 204 nothing changed, 200 changed, 404 the link stopped working) and reloads when it did.
// Without JavaScript the page is the same, only a reload brings it up to date.
(function () {
  "use strict";
  var live = document.getElementById("share-live");
  if (!live || !window.fetch) { return; }
  var every = parseInt(live.getAttribute("data-every"), 10) * 1000;
  var url = live.getAttribute("data-changes");
  if (!every || !url) { return; }
  var timer = null;

  function ask() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "omit", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 200) {
          window.location.reload();
        } else if (response.status === 404) {
          window.clearInterval(timer);
          var gone = document.getElementById("share-gone");
          if (gone) { gone.hidden = false; }
        }
      })
      .catch(function () { /* offline for a moment: the next turn asks again */ });
  }

  timer = window.setInterval(ask, every);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { ask(); } });
})();
