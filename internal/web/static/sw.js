// The service worker of the phone app: it keeps the resident's shell (the
// home page, the submission form, the styles and scripts) so they open with
// no network. Only GET requests of this site are answered here; a
// submission made offline is kept by pwa.js in IndexedDB, not here.
"use strict";
var CACHE = "gongzhi-shell-v1";
var SHELL = ["/", "/submit", "/static/style.css", "/static/app.js", "/static/next.css", "/static/speak.js",
  "/static/pwa.js", "/manifest.webmanifest", "/icons/192.png", "/icons/512.png"];
var PAGES = { "/": true, "/submit": true }; // pages kept, fresh from the network when there is one

function keep(cache, url, resp) {
  // A redirect (a staff account sent elsewhere) or an error is not kept.
  if (resp && resp.ok && !resp.redirected && resp.type === "basic") return cache.put(url, resp);
}

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) { return keep(cache, url, r); }, function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  var p = url.pathname;
  if (p.indexOf("/static/") === 0 || p.indexOf("/icons/") === 0 || p === "/manifest.webmanifest") {
    // Kept files first; refreshed behind for the next time.
    e.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(req, { ignoreSearch: true }).then(function (hit) {
        var fresh = fetch(req).then(function (r) { keep(cache, req, r.clone()); return r; });
        if (hit) { fresh.catch(function () {}); return hit; }
        return fresh;
      });
    }));
    return;
  }
  if (req.mode !== "navigate") return;
  // Pages: the network first; with none, the kept page, or the home page.
  e.respondWith(fetch(req).then(function (r) {
    if (PAGES[p] && !url.search) {
      var copy = r.clone();
      caches.open(CACHE).then(function (cache) { keep(cache, p, copy); });
    }
    return r;
  }, function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(p).then(function (hit) { return hit || cache.match("/"); });
    }).then(function (hit) { return hit || Response.error(); });
  }));
});
