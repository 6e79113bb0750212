/* Scan a sarasehan registration QR code at the door, by camera or from a photo. Progressive enhancement:
   without this script, or without a camera, the typed code works as before. The browser's BarcodeDetector is
   used where it exists; elsewhere the vendored jsQR (Apache-2.0, static/js/jsQR.LICENSE) is loaded on first
   use, so the page itself stays light. Frames never leave the device: only the decoded text is submitted. */
(function () {
  "use strict";

  var root = document.querySelector("[data-door-scan]");
  if (!root) { return; }
  var form = root.closest("form");
  var input = form.querySelector("input[name=code]");
  var status = root.querySelector("[data-scan-status]");
  var video = root.querySelector("video");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var detector = null;
  var jsqr = null;
  var stream = null;

  function say(text) { status.textContent = text; }

  function loadJsQR() {
    if (jsqr) { return jsqr; }
    jsqr = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.dataset.decoder;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return jsqr;
  }

  function decoder() {
    if (!detector && "BarcodeDetector" in window) {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    }
    return detector;
  }

  /* The text of a QR code in the image, or null. */
  function decode(source, width, height) {
    canvas.width = width;
    canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    var native = decoder();
    if (native) {
      return native.detect(canvas).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      }).catch(function () { detector = null; return decodeWithJsQR(); });
    }
    return decodeWithJsQR();
  }

  function decodeWithJsQR() {
    return loadJsQR().then(function (read) {
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = read(pixels.data, pixels.width, pixels.height, { inversionAttempts: "attemptBoth" });
      return code ? code.data : null;
    });
  }

  function found(text) {
    stop();
    input.value = text;
    say(root.dataset.found);
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
  }

  function scanFrame() {
    if (!stream) { return; }
    if (video.readyState < 2) { window.setTimeout(scanFrame, 200); return; }
    decode(video, video.videoWidth, video.videoHeight).then(function (text) {
      if (text) { found(text); } else { window.setTimeout(scanFrame, 200); }
    }, function () { say(root.dataset.failed); stop(); });
  }

  var cameraButton = root.querySelector("[data-scan-camera]");
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", function () {
      say(root.dataset.starting);
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        return video.play();
      }).then(function () {
        say(root.dataset.scanning);
        scanFrame();
      }).catch(function () { say(root.dataset.noCamera); stop(); });
    });
  }

  var photo = root.querySelector("input[type=file]");
  photo.closest("[data-scan-photo]").hidden = false;
  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file) { return; }
    say(root.dataset.reading);
    createImageBitmap(file).then(function (image) {
      return decode(image, image.width, image.height);
    }).then(function (text) {
      if (text) { found(text); } else { say(root.dataset.notFound); }
    }, function () { say(root.dataset.notFound); });
    photo.value = "";
  });
})();
