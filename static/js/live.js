// Pushed changes, with polling as the fallback. A page's live element (`#live` on a matrix,
// `#ws-live` on a workshop, `#cycle-live` on a launch board and a quarter page) polls with htmx; when it also names a stream (`data-stream`),
// this opens an EventSource on it and, while the stream works, the polls are not sent.
// Polling takes over by itself whenever the stream does not work: no Redis or a server that
// does not push (the stream is refused), a proxy that buffers (no "open" event ever comes),
// a stream gone quiet (no heartbeat), or a lost connection (until the browser reconnects,
// sending Last-Event-ID so that nothing is missed).
//
// Events: `open`, `ping` (heartbeats), `structure` (fetch what changed the polling way, at
// once), `reload`, and the page's own kinds, handled by what the page registers with
// `LockstepLive.on(kind, fn)`: the grid's `cells` go to `LockstepGrid.apply`, the one
// function that applies a change, whether it came by stream, poll or an edit's answer.
//
// Hidden tabs poll less often: every HIDDEN_POLL_MS instead of the page's interval.
(function () {
  "use strict";
  var HIDDEN_POLL_MS = 10000;
  var handlers = {};
  var source = null, streaming = false, failures = 0, fetchWanted = false;
  var lastEvent = 0, quietLimit = 45000, watchdog = null, lastPoll = 0, retryTimer = null;
  var LIVE = "#live, #ws-live, #cycle-live";

  function liveElement() { return document.querySelector("[data-stream]") || document.querySelector(LIVE); }
  function seqOf(el) { return Number(el.dataset.since || el.dataset.version || 0); }

  // A change announced by the stream is fetched by the live element's own request (the poll
  // endpoint), which the stream's pages otherwise do not send.
  function fetchNow() {
    var el = liveElement();
    if (!el) return;
    fetchWanted = true;
    htmx.trigger(el, "live-fetch");
  }

  function stop() {
    if (source) source.close();
    source = null;
    streaming = false;
    if (watchdog) clearInterval(watchdog);
    watchdog = null;
  }

  function failed() {
    stop();
    failures += 1;
    // Back off: 5 s, 10 s, 20 s ... up to 5 minutes; polling carries on meanwhile.
    var wait = Math.min(300000, 5000 * Math.pow(2, failures - 1));
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = null; start(); }, wait);
  }

  function start() {
    var el = liveElement();
    if (!el || !el.dataset.stream || source || !window.EventSource) return;
    var url = el.dataset.stream + (el.dataset.stream.indexOf("?") < 0 ? "?" : "&") + "since=" + seqOf(el);
    source = new EventSource(url);
    source.addEventListener("open", function (event) {
      var data = JSON.parse(event.data || "{}");
      quietLimit = (data.heartbeat || 15) * 2000 + 5000;
      streaming = true;
      failures = 0;
      lastEvent = Date.now();
      if (!watchdog) watchdog = setInterval(function () { if (Date.now() - lastEvent > quietLimit) failed(); }, 5000);
    });
    source.addEventListener("error", function () {
      // CONNECTING: the browser reconnects by itself (with Last-Event-ID); polls meanwhile.
      // CLOSED: refused (no push here, too many pages open, access gone): poll, retry later.
      streaming = false;
      if (!source || source.readyState === EventSource.CLOSED) failed();
    });
    source.addEventListener("ping", function () { lastEvent = Date.now(); });
    source.addEventListener("structure", function () { lastEvent = Date.now(); fetchNow(); });
    source.addEventListener("reload", function () { stop(); window.location.reload(); });
    Object.keys(handlers).forEach(function (kind) {
      source.addEventListener(kind, function (event) {
        lastEvent = Date.now();
        var data = JSON.parse(event.data);
        handlers[kind](data);
        var now = liveElement();
        if (now && data.seq && event.lastEventId && Number(event.lastEventId) > seqOf(now)) now.dataset.since = event.lastEventId;
      });
    });
  }

  // The poll, while a stream works, is sent only when the stream asked for a fetch; a
  // hidden tab without a stream polls every HIDDEN_POLL_MS.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    if (!el || !el.matches || !el.matches(LIVE)) return;
    if (fetchWanted) { fetchWanted = false; lastPoll = Date.now(); return; }
    if (streaming || (document.hidden && Date.now() - lastPoll < HIDDEN_POLL_MS)) { event.preventDefault(); return; }
    lastPoll = Date.now();
  });
  // The poll asks for what changed since what the page shows, which a stream may have moved on.
  document.addEventListener("htmx:configRequest", function (event) {
    var el = event.detail.elt;
    if (el && el.matches && el.matches("#live") && el.dataset.since) {
      event.detail.path = event.detail.path.replace(/([?&]since=)\d+/, "$1" + el.dataset.since);
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !source && !retryTimer) start();
  });
  document.addEventListener("DOMContentLoaded", start);

  window.LockstepLive = {
    on: function (kind, fn) { handlers[kind] = fn; },
    fetch: fetchNow,
    streaming: function () { return streaming; }
  };
})();
