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
    Array.prototype.forEach.call(document.querySelectorAll("video[data-hls-player]"), start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
