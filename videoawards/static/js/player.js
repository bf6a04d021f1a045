/* Plays HLS from the playback gateway: hls.js where Media Source works, native HLS (Safari)
 * otherwise. Markup: transcoding/_player.html. */
(function () {
  "use strict";

  function start(video) {
    if (video.dataset.started) { return; }
    video.dataset.started = "1";
    var src = video.dataset.src;
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls();
      hls.on(window.Hls.Events.ERROR, function (event, data) {
        if (data.fatal) { showError(video); }
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      video.hls = hls;
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;
    } else {
      showError(video);
    }
  }

  function showError(video) {
    var error = video.parentNode.querySelector("[data-player-error]");
    if (error) { error.hidden = false; }
  }

  function init() {
    var lazy = [];
    Array.prototype.forEach.call(document.querySelectorAll("video[data-hls-player]"), function (video) {
      if (video.hasAttribute("data-lazy") && "IntersectionObserver" in window) { lazy.push(video); } else { start(video); }
    });
    if (!lazy.length) { return; }
    // A page of many videos (the vote) loads each one only when it scrolls into view.
    var observer = new IntersectionObserver(function (seen) {
      seen.forEach(function (item) {
        if (item.isIntersecting) { observer.unobserve(item.target); start(item.target); }
      });
    }, { rootMargin: "200px" });
    lazy.forEach(function (video) { observer.observe(video); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
