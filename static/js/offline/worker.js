// Desa Sadar Jamsostek service worker body (configured by /sw.js, which sets self.DSJ_CONFIG and loads this).
// - The app shell (our CSS/JS, Bootstrap, icons) is cached at install and served cache-first.
// - Pages: network first; an official's pages are kept in the "dsj-pages" cache and served when offline.
// - A form POST that fails on the network is kept as an entry (IndexedDB) and sent later through the API.
// - Background Sync ("dsj-sync") sends the kept entries when the connection returns.
/* global DSJ_CONFIG, DSJStore, DSJEntries, DSJSync */
"use strict";

const SHELL_CACHE = `dsj-shell-${DSJ_CONFIG.version}`;
const PAGES_CACHE = "dsj-pages";
const PARALLEL = 3;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(DSJ_CONFIG.shell)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("dsj-shell-") && name !== SHELL_CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// A copy without the "redirected" flag, which a navigation may not be answered with.
async function plain(response) {
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function cacheable(response) {
  const type = response.headers.get("Content-Type") || "";
  return response.ok && response.type === "basic" && type.startsWith("text/html")
    && !new URL(response.url).pathname.startsWith(DSJ_CONFIG.loginPath);
}

async function officialPagesWanted() {
  const current = await DSJStore.meta("current");
  return Boolean(current && current.official);
}

function pageKey(url) {
  const address = new URL(url);
  address.searchParams.delete("offline_item");
  address.hash = "";
  return address.href;
}

async function fromCache(url) {
  const pages = await caches.open(PAGES_CACHE);
  return (await pages.match(pageKey(url), { ignoreVary: true }))
    || (await pages.match(new URL(DSJ_CONFIG.offlineUrl, self.location.origin).href, { ignoreVary: true }))
    || new Response(
      `<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tidak ada sinyal</title><link rel="stylesheet" href="${DSJ_CONFIG.css}"></head><body class="p-3">
<h1 class="h4">Tidak ada sinyal</h1><p>Halaman ini belum tersimpan di HP. Buka lagi saat ada sinyal.</p>
<p><a href="/">Kembali ke beranda</a></p></body></html>`,
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
    );
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    if (cacheable(response) && (await officialPagesWanted())) {
      const copy = response.clone();
      caches.open(PAGES_CACHE).then((pages) => pages.put(pageKey(request.url), copy)).catch(() => {});
    }
    return response;
  } catch (error) {
    return fromCache(request.url);
  }
}

async function staticFile(request) {
  const shell = await caches.open(SHELL_CACHE);
  const cached = await shell.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) shell.put(request, response.clone()).catch(() => {});
  return response;
}

// A form POST the network did not carry: keep it as an entry (the page's hidden fields say which API takes it).
async function post(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    const current = await DSJStore.meta("current");
    let form;
    try {
      form = await copy.formData();
    } catch (parseError) {
      form = null;
    }
    if (!form || !form.get("offline_kind") || !current || !current.official) throw error;
    const entry = DSJEntries.make({
      kind: form.get("offline_kind"),
      api: form.get("offline_api"),
      pairs: Array.from(form.entries()).filter(([, value]) => typeof value === "string"),
      user: current.user,
      page: pageKey(request.referrer || request.url),
      extra: form.get("offline_label") || "",
    });
    await DSJStore.put(entry);
    await registerSync();
    return Response.redirect(`${DSJ_CONFIG.offlineUrl}?disimpan=${entry.id}`, 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate") {
    event.respondWith(post(request));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.startsWith(DSJ_CONFIG.staticPrefix)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  }
});

// The official's pages for offline use, fetched a few at a time (the page sends the list after each sync).
async function cachePages(urls) {
  const pages = await caches.open(PAGES_CACHE);
  const queue = urls.slice();
  const worker = async () => {
    while (queue.length) {
      const url = new URL(queue.shift(), self.location.origin).href;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (cacheable(response)) await pages.put(pageKey(url), await plain(response));
      } catch (error) {
        return;  // the connection went: the next sync tries again
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

async function tellPages(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

async function registerSync() {
  if (self.registration.sync) {
    try {
      await self.registration.sync.register("dsj-sync");
    } catch (error) {
      // No Background Sync permission: the next page load or "Kirim sekarang" sends.
    }
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "cache-pages") {
    event.waitUntil(cachePages(data.urls || []).then(() => tellPages({ type: "pages-cached", count: (data.urls || []).length })));
  } else if (data.type === "clear") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "dsj-sync") return;
  event.waitUntil((async () => {
    const current = await DSJStore.meta("current");
    if (!current || !current.user) return;
    const summary = await DSJSync.send(current.user);
    await tellPages({ type: "synced", summary });
    if (summary.offline) throw new Error("offline");  // the browser retries the sync later
  })());
});
