/* Maps of the portal (Leaflet, self-hosted): the pin on the aspirasi form, the staff map of the queue, the public
   map. Configured through data- attributes only: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function baseMap(el) {
    var map = L.map(el, { zoomSnap: 0.5, attributionControl: true });
    el.leafletMap = map;  // the browser tests find a known place on the screen through it
    map.setView([-7.85, 110.95], 10);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: { color: "#4a6572", weight: 1, fillColor: "#dfe8ea", fillOpacity: el.dataset.tileUrl ? 0.1 : 0.6 },
          onEachFeature: function (feature, lyr) { lyr.bindTooltip(feature.properties.nama, { sticky: true }); }
        }).addTo(map);
        layer.bringToBack();
        // At once, not animated: a zoom gliding in after the page has loaded moves every marker under a tap.
        map.fitBounds(layer.getBounds(), { animate: false });
      });
    return map;
  }

  function pinMap(el) {
    var box = el.closest("[data-peta-pin]");
    box.hidden = false;
    var map = baseMap(el);
    var lat = document.getElementById(el.dataset.latInput);
    var lng = document.getElementById(el.dataset.lngInput);
    var kec = document.getElementById(el.dataset.kecamatanInput);
    var desa = document.getElementById(el.dataset.desaInput);
    var status = box.querySelector("[data-peta-status]");
    var marker = null;
    var pendingDesa = null;

    function place(latlng, announce) {
      if (marker) { marker.setLatLng(latlng); } else {
        marker = L.circleMarker(latlng, { radius: 9, color: "#b00020", weight: 3, fillOpacity: 0.8 }).addTo(map);
      }
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      if (announce) { map.panTo(latlng); }
      document.body.dispatchEvent(new CustomEvent("pin-placed"));
    }

    if (lat.value && lng.value) { place(L.latLng(+lat.value, +lng.value), false); }
    map.on("click", function (e) { place(e.latlng, false); });

    box.querySelector("[data-peta-clear]").addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      lat.value = ""; lng.value = "";
      document.body.dispatchEvent(new CustomEvent("pin-placed"));
    });
    var locate = box.querySelector("[data-peta-locate]");
    if (locate && !navigator.geolocation) { locate.hidden = true; }
    if (locate) locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
        map.setZoom(15);
      }, function () { status.textContent = el.dataset.geolocationError; }, { enableHighAccuracy: true, timeout: 15000 });
    });
    var photo = box.querySelector("[data-peta-photo]");
    if (photo) {
      photo.querySelector("[data-peta-use-photo]").addEventListener("click", function () {
        place(L.latLng(+photo.dataset.lat, +photo.dataset.lng), true);
        photo.hidden = true;
      });
    }

    // The server answers with the desa under the pin: select it (and its kecamatan); the resident may change it.
    if (!kec || !desa) { return; }  // the staff panel moves the pin only
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.detail.target === desa && pendingDesa) {
        desa.value = pendingDesa; pendingDesa = null; return;
      }
      var found = e.detail.target.querySelector && e.detail.target.querySelector("[data-nearby]");
      if (!found || !found.dataset.desa) { return; }
      kec.value = found.dataset.kecamatan;
      if (desa.querySelector('option[value="' + found.dataset.desa + '"]')) {
        desa.value = found.dataset.desa;
      } else {
        pendingDesa = found.dataset.desa;
        htmx.trigger(kec, "change");
      }
    });
  }

  function clusterMap(el) {
    var map = baseMap(el);
    JSON.parse(el.dataset.clusters).forEach(function (c) {
      var late = c.late > 0;
      var m = L.circleMarker([c.lat, c.lng], {
        radius: Math.min(8 + Math.sqrt(c.count) * 2, 30), color: late ? "#b00020" : "#1d5c87", weight: late ? 3 : 1,
        fillOpacity: 0.6
      }).addTo(map);
      var a = document.createElement("a");
      a.href = c.href;
      a.textContent = c.nama + ": " + c.count + (late ? " (" + el.dataset.lateLabel + " " + c.late + ")" : "");
      m.bindPopup(a);
      m.bindTooltip(String(c.count), { permanent: true, direction: "center", className: "peta-count" });
    });
  }

  function publicMap(el) {
    var map = baseMap(el);
    JSON.parse(el.dataset.points).forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lng], {
        radius: 7, color: p.exact ? "#1d5c87" : "#6b6b6b", weight: 2, fillOpacity: 0.6
      }).addTo(map);
      var div = document.createElement("div");
      var strong = document.createElement("strong");
      strong.textContent = p.reference + " ";
      div.appendChild(strong);
      div.appendChild(document.createTextNode(p.title + " · " + p.status + " · " + p.where));
      m.bindPopup(div);
    });
  }

  // Leaflet is 163 KB: a form that does not link it offers a button that fetches it when the resident wants the map.
  function loadLeaflet(button, done) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = button.dataset.leafletCss;
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = button.dataset.leafletJs;
    js.addEventListener("load", done);
    js.addEventListener("error", function () { button.disabled = false; });
    document.head.appendChild(js);
  }

  function offerMap() {
    var box = document.querySelector("[data-peta-reveal-box]");
    if (!box) { return; }
    var button = box.querySelector("[data-peta-reveal]");
    box.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      loadLeaflet(button, function () {
        box.hidden = true;
        init();
        var pin = document.querySelector("[data-peta-pin]");
        if (pin) { pin.scrollIntoView({ block: "nearest" }); }
      });
    });
  }

  function init() {
    if (typeof L === "undefined") { offerMap(); return; }
    document.querySelectorAll("[data-peta]").forEach(function (el) {
      var kind = el.dataset.peta;
      if (kind === "pin") { pinMap(el); } else if (kind === "clusters") { clusterMap(el); } else if (kind === "public") { publicMap(el); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
