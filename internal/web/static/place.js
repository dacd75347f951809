// The resident's map: "use my location", a pin dropped on the map, the
// street and community the pin lies in, and the requests near it. Without
// this script the form still works (choose the community, type the
// address) and the nearby page's map is an image button.
(function () {
  "use strict";

  function latLngAt(svg, evt) {
    var pt = svg.createSVGPoint();
    pt.x = evt.clientX;
    pt.y = evt.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    var z = +svg.dataset.z, n = 256 * Math.pow(2, z);
    var x = (+svg.dataset.x0 + p.x) / n, y = (+svg.dataset.y0 + p.y) / n;
    return {
      lat: Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI,
      lng: x * 360 - 180
    };
  }

  function fixed(x) { return (Math.round(x * 1e6) / 1e6).toFixed(6); }

  function fmt(s, v) { return s.replace(/%[ds]/, v); }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  // drawMap puts the SVG of url into box, as a live map that calls onPick
  // with the place clicked.
  function drawMap(box, url, onPick) {
    var w = Math.round(box.clientWidth || 0);
    if (w >= 200) { url += (url.indexOf("?") < 0 ? "?" : "&") + "w=" + Math.min(w, 1000); }
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "image/svg+xml");
      var svg = doc.documentElement;
      if (svg.nodeName !== "svg") { return; }
      svg = document.importNode(svg, true);
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.addEventListener("click", function (evt) { onPick(latLngAt(svg, evt)); });
      box.textContent = "";
      box.appendChild(svg);
    });
  }

  function locate(root, status, onPick) {
    var btn = root.querySelector("[data-place-locate]");
    if (!btn || !navigator.geolocation) { return; }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      status.textContent = root.dataset.msgLocating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        onPick({ lat: pos.coords.latitude, lng: pos.coords.longitude });
      }, function () {
        status.textContent = root.dataset.msgDenied;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // chooseArea selects the street and community the place lies in, where
  // the form has those lists; the resident can still change them.
  function chooseArea(form, a) {
    var street = form && form.querySelector("select[name=street]");
    var comm = form && form.querySelector("select[name=community]");
    if (street && a.street) { street.value = a.street; }
    if (comm && a.community) { comm.value = a.community; }
    [street, comm].forEach(function (el) {
      if (el) { el.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  }

  function nearbyList(root, box, items, at) {
    box.textContent = "";
    if (!items.length) { box.hidden = true; return; }
    var p = document.createElement("p");
    p.textContent = root.dataset.msgNearby;
    box.appendChild(p);
    var ol = document.createElement("ol");
    ol.className = "nearby-list";
    var back = "/nearby?lat=" + at.lat + "&lng=" + at.lng;
    items.forEach(function (it) {
      var li = document.createElement("li");
      li.className = "card nearby-item";
      var top = document.createElement("div");
      top.className = "item-top";
      var n = document.createElement("span");
      n.className = "nearby-n";
      n.setAttribute("aria-hidden", "true");
      n.textContent = it.n;
      var cat = document.createElement("strong");
      cat.textContent = it.category;
      var st = document.createElement("span");
      st.className = "badge st-" + it.status_key;
      st.textContent = it.status;
      top.append(n, cat, st);
      var d = document.createElement("p");
      d.textContent = it.description;
      var m = document.createElement("p");
      m.className = "muted";
      m.textContent = fmt(root.dataset.msgDist, it.distance_m) +
        (it.co_reporters ? " · " + fmt(root.dataset.msgCount, it.co_reporters) : "");
      li.append(top, d, m);
      if (it.following) {
        var f = document.createElement("p");
        f.className = "nearby-following";
        f.textContent = root.dataset.msgFollowing;
        li.append(f);
      } else if (it.joinable) {
        // 我也遇到 is a form of the nearby page, where it is explained.
        var a = document.createElement("a");
        a.className = "btn";
        a.href = back + "#t-" + it.number;
        a.textContent = root.dataset.msgMetoo;
        li.append(a);
      }
      ol.appendChild(li);
    });
    box.appendChild(ol);
    var all = document.createElement("a");
    all.href = back;
    all.textContent = root.dataset.msgAll;
    box.appendChild(all);
    box.hidden = false;
  }

  // The picker of a submission form.
  function picker(root) {
    var box = root.querySelector("[data-place-map]");
    var status = root.querySelector("[data-place-status]");
    var lat = root.querySelector("[data-place-lat]");
    var lng = root.querySelector("[data-place-lng]");
    var near = root.querySelector("[data-place-nearby]");
    var form = root.closest("form");
    var whole = root.querySelector("[data-place-whole]");
    var zoomed = !!lat.value;
    // Once a pin is down, the map shows the streets around it and the
    // requests near it; "whole district" goes back to the overview.
    function url() {
      if (!lat.value) { return "/place/map.svg"; }
      return "/place/map.svg?lat=" + encodeURIComponent(lat.value) + "&lng=" + encodeURIComponent(lng.value) + (zoomed ? "&near=1" : "");
    }
    function redraw() {
      if (whole) { whole.hidden = !zoomed; }
      return drawMap(box, url(), pick).catch(function () {});
    }
    if (whole) {
      whole.addEventListener("click", function () { zoomed = false; redraw(); });
    }
    function pick(at) {
      at = { lat: fixed(at.lat), lng: fixed(at.lng) };
      lat.value = at.lat;
      lng.value = at.lng;
      zoomed = true;
      redraw();
      var q = "?lat=" + at.lat + "&lng=" + at.lng;
      getJSON("/place/resolve" + q).then(function (a) {
        status.textContent = a.names ? fmt(root.dataset.msgFound, a.names) : root.dataset.msgUnknown;
        chooseArea(form, a);
      }).catch(function () { status.textContent = root.dataset.msgFailed; });
      getJSON("/nearby.json" + q).then(function (r) {
        nearbyList(root, near, r.items || [], at);
      }).catch(function () {});
    }
    redraw();
    locate(root, status, pick);
  }

  // The nearby page: a pin leads to the page of that place.
  function page(root) {
    var box = root.querySelector("[data-place-map]");
    var status = root.querySelector("[data-place-status]") || root;
    function pick(at) {
      window.location.href = "/nearby?lat=" + fixed(at.lat) + "&lng=" + fixed(at.lng);
    }
    if (box) {
      var q = box.dataset.lat ? "?near=1&lat=" + box.dataset.lat + "&lng=" + box.dataset.lng : "";
      drawMap(box, "/place/map.svg" + q, pick).catch(function () {});
    }
    locate(root, status, pick);
  }

  function start() {
    document.querySelectorAll("[data-place-picker]").forEach(picker);
    document.querySelectorAll("[data-place-page]").forEach(page);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
