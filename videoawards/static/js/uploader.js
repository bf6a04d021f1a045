/* Video uploader: resumable multipart upload, then processing progress, then the player.
 *
 * Speaks the upload API (POST /api/v1/uploads/, PUT parts to their URLs, POST complete),
 * whatever the storage behind it. Vanilla JS, no build step. Markup: transcoding/_uploader.html.
 */
(function () {
  "use strict";

  var PARALLEL = 4;
  var MAX_TRIES = 6;
  var POLL_MS = 2000;
  var STORE_PREFIX = "videoawards.upload.";
  var EXTENSION_TYPES = {
    mp4: "video/mp4", m4v: "video/mp4", mov: "video/quicktime", webm: "video/webm",
    mkv: "video/x-matroska", avi: "video/x-msvideo", "3gp": "video/3gpp", ts: "video/mp2t",
  };

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function backoff(attempt) {
    return Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function formatBytes(bytes) {
    var units = ["B", "KB", "MB", "GB"];
    var i = 0;
    while (bytes >= 1000 && i < units.length - 1) { bytes /= 1000; i += 1; }
    return bytes.toFixed(i ? 1 : 0) + " " + units[i];
  }

  function contentTypeOf(file) {
    if (file.type && file.type.indexOf("video/") === 0) { return file.type; }
    var ext = (file.name.split(".").pop() || "").toLowerCase();
    return EXTENSION_TYPES[ext] || file.type || "";
  }

  function ApiError(message, status, code) {
    this.message = message;
    this.status = status;
    this.code = code;
  }

  function api(method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 204) { return null; }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new ApiError(data.detail || response.statusText, response.status, data.code);
        }
        return data;
      });
    });
  }

  /* PUT one part with XMLHttpRequest (fetch has no upload progress). Resolves with the ETag. */
  function putPart(url, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.upload.onprogress = function (event) { onProgress(event.loaded); };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          var etag = xhr.getResponseHeader("ETag");
          if (!etag) {
            try { etag = JSON.parse(xhr.responseText).etag; } catch (e) { etag = ""; }
          }
          if (etag) { resolve(etag.replace(/"/g, "")); return; }
          reject(new ApiError("no ETag", 0, "no_etag"));
          return;
        }
        var detail = "";
        try { detail = JSON.parse(xhr.responseText).detail; } catch (e) { detail = xhr.statusText; }
        reject(new ApiError(detail, xhr.status));
      };
      xhr.onerror = function () { reject(new ApiError("network", 0)); };
      xhr.ontimeout = xhr.onerror;
      xhr.send(blob);
    });
  }

  function Uploader(root) {
    this.root = root;
    this.q = function (name) { return root.querySelector("[data-" + name + "]"); };
    this.msg = function (name) { return root.dataset["msg" + name] || ""; };
    this.fileInput = this.q("file");
    this.cancelled = false;
    this.upload = null;
    var self = this;
    this.fileInput.addEventListener("change", function () {
      if (self.fileInput.files.length) { self.start(self.fileInput.files[0]); }
    });
    this.q("cancel").addEventListener("click", function () { self.cancel(); });
    if (root.dataset.assetId) {
      this.watchAsset(root.dataset.assetId);
    } else if (this.stored()) {
      this.status(this.msg("Resume"));
    }
  }

  Uploader.prototype.storeKey = function () {
    return STORE_PREFIX + (this.root.id || "default");
  };

  Uploader.prototype.stored = function () {
    try { return JSON.parse(localStorage.getItem(this.storeKey()) || "null"); } catch (e) { return null; }
  };

  Uploader.prototype.status = function (text) {
    this.q("status").textContent = text;
  };

  Uploader.prototype.error = function (text) {
    var el = this.q("error");
    el.textContent = text || "";
    el.hidden = !text;
  };

  Uploader.prototype.show = function (name, visible) {
    this.q(name).hidden = !visible;
  };

  Uploader.prototype.start = function (file) {
    var self = this;
    var type = contentTypeOf(file);
    this.error("");
    if (type.indexOf("video/") !== 0) { this.error(this.msg("NotVideo")); return; }
    this.cancelled = false;
    this.fileInput.disabled = true;
    this.show("upload-progress", true);
    this.resumeOrCreate(file, type)
      .then(function (upload) { return self.sendAll(file, upload); })
      .then(function (parts) { return self.complete(parts); })
      .then(function (asset) {
        localStorage.removeItem(self.storeKey());
        self.show("upload-progress", false);
        self.watchAsset(asset.id);
      })
      .catch(function (err) {
        self.fileInput.disabled = false;
        if (self.cancelled) { return; }
        self.status("");
        self.error(err && err.status && err.status < 500 && err.message ? err.message : self.msg("UploadFailed"));
      });
  };

  /* Identifies a file across page loads: its size and a hash of its first and last MiB
   * (the modification time is not reliable: some browsers report the time it was picked). */
  function fingerprint(file) {
    var edge = 1024 * 1024;
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle || !file.arrayBuffer) {
      return Promise.resolve(file.name + ":" + file.size + ":" + file.lastModified);
    }
    var head = file.slice(0, edge);
    var tail = file.slice(Math.max(edge, file.size - edge));
    return new Blob([head, tail]).arrayBuffer().then(function (bytes) {
      return subtle.digest("SHA-256", bytes);
    }).then(function (digest) {
      var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      return file.size + ":" + hex;
    });
  }

  Uploader.prototype.resumeOrCreate = function (file, type) {
    var self = this;
    var saved = this.stored();
    return fingerprint(file).then(function (print) {
      if (saved && saved.fingerprint === print) {
        self.status(self.msg("Resuming"));
        return api("GET", self.root.dataset.uploadUrl + saved.id + "/").then(function (upload) {
          if (upload.status === "open") { return upload; }
          return self.create(file, type, print);
        }, function () { return self.create(file, type, print); });
      }
      return self.create(file, type, print);
    });
  };

  Uploader.prototype.create = function (file, type, print) {
    var self = this;
    this.status(this.msg("Uploading"));
    return api("POST", this.root.dataset.createUrl, {
      filename: file.name, size: file.size, content_type: type,
    }).then(function (upload) {
      localStorage.setItem(self.storeKey(), JSON.stringify({ id: upload.id, fingerprint: print }));
      return upload;
    });
  };

  Uploader.prototype.refreshUrls = function () {
    var self = this;
    return api("GET", this.root.dataset.uploadUrl + this.upload.id + "/").then(function (upload) {
      upload.part_urls.forEach(function (u) { self.urls[u.number] = u.url; });
    });
  };

  Uploader.prototype.sendAll = function (file, upload) {
    var self = this;
    this.upload = upload;
    this.urls = {};
    upload.part_urls.forEach(function (u) { self.urls[u.number] = u.url; });
    var done = {};
    var doneBytes = 0;
    upload.parts.forEach(function (p) {
      done[p.number] = p.etag;
      doneBytes += p.size;
    });
    var inFlight = {};
    var queue = [];
    for (var n = 1; n <= upload.part_count; n += 1) { if (!done[n]) { queue.push(n); } }
    var bar = this.q("bytes");
    var text = this.q("bytes-text");
    function draw() {
      var loaded = doneBytes;
      Object.keys(inFlight).forEach(function (k) { loaded += inFlight[k]; });
      bar.value = Math.floor((100 * loaded) / file.size);
      text.textContent = formatBytes(loaded) + " / " + formatBytes(file.size);
    }
    draw();
    this.status(this.msg("Uploading"));

    function sendOne(number, attempt) {
      if (self.cancelled) { return Promise.reject(new ApiError("cancelled", 0, "cancelled")); }
      var url = self.urls[number];
      var ready = url ? Promise.resolve() : self.refreshUrls();
      return ready.then(function () {
        var start = (number - 1) * upload.part_size;
        var blob = file.slice(start, Math.min(start + upload.part_size, file.size));
        return putPart(self.urls[number], blob, function (loaded) {
          inFlight[number] = loaded;
          draw();
        }).then(function (etag) {
          delete inFlight[number];
          done[number] = etag;
          doneBytes += blob.size;
          draw();
        });
      }).catch(function (err) {
        delete inFlight[number];
        draw();
        var retryable = !err.status || err.status >= 500 || [403, 408, 429].indexOf(err.status) >= 0;
        if (self.cancelled || !retryable || attempt + 1 >= MAX_TRIES) { throw err; }
        if (err.status === 403) { delete self.urls[number]; } // the signed URL expired
        self.status(self.msg("Retrying"));
        return sleep(backoff(attempt)).then(function () {
          self.status(self.msg("Uploading"));
          return sendOne(number, attempt + 1);
        });
      });
    }

    function worker() {
      var number = queue.shift();
      if (number === undefined) { return Promise.resolve(); }
      return sendOne(number, 0).then(worker);
    }

    var workers = [];
    for (var i = 0; i < PARALLEL; i += 1) { workers.push(worker()); }
    return Promise.all(workers).then(function () {
      return Object.keys(done).map(function (k) { return { number: Number(k), etag: done[k] }; });
    });
  };

  Uploader.prototype.complete = function (parts) {
    var self = this;
    this.status(this.msg("Finishing"));
    var url = this.root.dataset.uploadUrl + this.upload.id + "/complete/";
    function attempt(n) {
      return api("POST", url, { parts: parts }).catch(function (err) {
        if (err.status && err.status < 500) { throw err; }
        if (n + 1 >= MAX_TRIES) { throw err; }
        return sleep(backoff(n)).then(function () { return attempt(n + 1); });
      });
    }
    return attempt(0).then(function (asset) {
      self.q("asset-input").value = asset.id;
      return self.attach(asset);
    });
  };

  /* With data-attach-url (the entry page), tell the page's owner which asset is theirs. */
  Uploader.prototype.attach = function (asset) {
    var url = this.root.dataset.attachUrl;
    var self = this;
    if (!url) { return Promise.resolve(asset); }
    function attempt(n) {
      return api("POST", url, { media_asset: asset.id }).catch(function (err) {
        if ((err.status && err.status < 500) || n + 1 >= MAX_TRIES) { throw err; }
        return sleep(backoff(n)).then(function () { return attempt(n + 1); });
      });
    }
    return attempt(0).then(function () {
      self.root.dispatchEvent(new CustomEvent("videoawards:asset-attached", {
        bubbles: true, detail: { assetId: asset.id },
      }));
      return asset;
    });
  };

  Uploader.prototype.cancel = function () {
    this.cancelled = true;
    if (this.upload) {
      api("DELETE", this.root.dataset.uploadUrl + this.upload.id + "/").catch(function () {});
    }
    localStorage.removeItem(this.storeKey());
    this.show("upload-progress", false);
    this.fileInput.disabled = false;
    this.fileInput.value = "";
    this.status(this.msg("Cancelled"));
  };

  Uploader.prototype.watchAsset = function (assetId) {
    var self = this;
    var bar = this.q("processing");
    this.q("asset-input").value = assetId;
    this.show("processing-progress", true);
    function poll(delay) {
      return api("GET", self.root.dataset.assetUrl + assetId + "/").then(function (asset) {
        if (asset.status === "ready") {
          self.show("processing-progress", false);
          self.status(self.msg("Ready"));
          self.play(asset);
          self.root.dispatchEvent(new CustomEvent("videoawards:asset-ready", {
            bubbles: true, detail: { assetId: asset.id },
          }));
          return;
        }
        if (asset.status === "failed") {
          self.show("processing-progress", false);
          self.status("");
          self.error(asset.error_message || self.msg("Failed"));
          self.fileInput.disabled = false;
          return;
        }
        self.status(asset.status === "processing" ? self.msg("Processing") : self.msg("Waiting"));
        bar.value = Math.floor(100 * (asset.progress || 0));
        return sleep(delay).then(function () { return poll(Math.min(delay * 1.2, 5000)); });
      }, function () {
        return sleep(5000).then(function () { return poll(delay); });
      });
    }
    return poll(POLL_MS);
  };

  Uploader.prototype.play = function (asset) {
    var video = this.q("video");
    if (asset.poster_url) { video.poster = asset.poster_url; }
    this.show("player", true);
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ xhrSetup: function (xhr) { xhr.withCredentials = false; } });
      hls.loadSource(asset.playback_url);
      hls.attachMedia(video);
      this.hls = hls;
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = asset.playback_url;
    }
  };

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-uploader]"), function (root) {
      if (!root.uploader) { root.uploader = new Uploader(root); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  window.VideoawardsUploader = Uploader;
})();
