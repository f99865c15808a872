// Desa Sadar Jamsostek in the page: installs the service worker, keeps an official's entries on the phone
// when there is no signal (IndexedDB), shows them in the header ("menunggu kirim"), sends them through the
// API when the connection returns, lets the official fix what the server refused, and clears it all at logout.
// Needs store.js, entries.js and sync.js before it. Settings come from this script tag's data attributes.
(function () {
  "use strict";
  const script = document.currentScript;
  const settings = script ? script.dataset : {};
  const PAGES_CACHE = "dsj-pages";
  const REFRESH_MS = 30 * 60 * 1000;  // the offline pages are fetched again after a sync, or after 30 minutes
  const Store = self.DSJStore;
  const Entries = self.DSJEntries;
  let user = "";
  let current = null;

  function cookie(name) {
    const found = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function csrfToken() {
    if (cookie("csrftoken")) return cookie("csrftoken");
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function flash(text, kind) {
    const main = document.querySelector("main");
    if (!main) return;
    const box = element("div", `alert alert-${kind || "info"} offline-flash`, text);
    box.setAttribute("role", "status");
    box.dataset.testid = "offline-flash";
    main.querySelectorAll(".offline-flash").forEach((old) => old.remove());
    main.prepend(box);
    box.scrollIntoView({ block: "nearest" });
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator) || !settings.sw) return null;
    try {
      return await navigator.serviceWorker.register(settings.sw, { scope: "/" });
    } catch (error) {
      return null;  // no worker (a private window, an old browser): the pages still work online
    }
  }

  async function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    try {
      const registration = await navigator.serviceWorker.ready;
      if (registration.sync) await registration.sync.register("dsj-sync");
    } catch (error) {
      // Background Sync refused or missing: the next page load or "Kirim sekarang" sends.
    }
  }

  // The header: how many entries wait, how many need fixing, whether to log in again.
  async function refreshBadge() {
    const bar = document.getElementById("offline-bar");
    if (!bar || !user) return;
    const items = await Store.items(user);
    const pending = items.filter((item) => item.status === "pending").length;
    const fix = items.length - pending;
    const login = await Store.meta(`login-needed-${user}`);
    const parts = [];
    if (pending) parts.push(`${pending} menunggu kirim`);
    if (fix) parts.push(`${fix} perlu diperbaiki`);
    if (login && pending) parts.push("masuk lagi");
    bar.hidden = !items.length;
    document.getElementById("offline-count").textContent = parts.join(" · ");
    document.getElementById("offline-send").hidden = !pending;
    const loginBox = document.getElementById("offline-login");
    if (loginBox) loginBox.hidden = !(login && pending);
    document.body.dataset.offlinePending = String(pending);
    document.body.dataset.offlineFix = String(fix);
  }

  async function sendNow(manual) {
    if (!user) return;
    if (!navigator.onLine) {
      if (manual) flash("Belum ada sinyal. Entri tetap tersimpan di HP dan dikirim saat ada sinyal.", "warning");
      return;
    }
    const summary = await self.DSJSync.send(user);
    await refreshBadge();
    await renderQueue();
    if (summary.sent) flash(`${summary.sent} entri terkirim ke server.`, "success");
    if (summary.fix) flash(`${summary.fix} entri ditolak server dan perlu diperbaiki: lihat daftar entri di HP.`, "danger");
    if (summary.login) flash("Sesi Anda berakhir. Masuk lagi untuk mengirim; entri tetap tersimpan di HP.", "warning");
    else if (summary.stopped === "offline" && manual) flash("Sambungan terputus. Entri tetap tersimpan dan dikirim nanti.", "warning");
    if (summary.sent) await refreshOfflineData(true);
  }

  // The official's pages and the contribution rules, kept for offline use.
  async function refreshOfflineData(force) {
    if (!navigator.onLine || !settings.pages) return;
    const last = await Store.meta(`pages-at-${user}`);
    if (!force && last && Date.now() - last < REFRESH_MS) {
      document.body.dataset.offlineReady = "1";
      return;
    }
    let pages;
    try {
      const response = await fetch(settings.pages, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      pages = (await response.json()).pages || [];
    } catch (error) {
      return;
    }
    current = { ...current, official: pages.length > 0 };
    await Store.setMeta("current", current);
    if (!current.official) return;
    try {
      const response = await fetch(settings.rules, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) await Store.setMeta("rules", await response.json());
    } catch (error) {
      return;
    }
    if (!("serviceWorker" in navigator)) return;
    const registration = await navigator.serviceWorker.ready;
    registration.active.postMessage({ type: "cache-pages", urls: pages });
    await Store.setMeta(`pages-at-${user}`, Date.now());
  }

  function clearErrors(form) {
    form.querySelectorAll(".offline-error").forEach((node) => node.remove());
    form.querySelectorAll(".is-invalid.offline-invalid").forEach((node) => node.classList.remove("is-invalid", "offline-invalid"));
  }

  function showErrors(form, problems) {
    clearErrors(form);
    const general = [];
    for (const [field, messages] of Object.entries(problems)) {
      const inputs = form.querySelectorAll(`[name="${CSS.escape(field)}"]`);
      const text = [].concat(messages).join(" ");
      if (!inputs.length || field === "paid") {
        general.push(text);
        continue;
      }
      inputs.forEach((input) => input.classList.add("is-invalid", "offline-invalid"));
      const last = inputs[inputs.length - 1];
      const anchor = ["radio", "checkbox"].includes(last.type) ? last.closest(".mb-3") || last.parentElement : last;
      const note = element("div", "invalid-feedback d-block offline-error", text);
      note.dataset.testid = "offline-error";
      anchor.after(note);
    }
    if (general.length) {
      const box = element("div", "alert alert-danger offline-error", general.join(" "));
      box.dataset.testid = "offline-error";
      form.prepend(box);
    }
    const first = form.querySelector(".offline-error");
    if (first) first.scrollIntoView({ block: "center" });
  }

  function participantOf(form) {
    const data = form.dataset;
    if (!data.income) return null;
    return { income: parseInt(data.income, 10), occupation: data.occupation, fundingSource: data.fundingSource };
  }

  function fill(form, pairs) {
    const values = {};
    pairs.forEach(([name, value]) => { (values[name] = values[name] || []).push(value); });
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach((input) => {
      if (input.type === "hidden" || input.disabled) return;
      const given = values[input.name] || [];
      if (input.type === "checkbox" || input.type === "radio") input.checked = given.includes(input.value);
      else if (given.length) input.value = given[0];
    });
  }

  function editingId() {
    return new URLSearchParams(location.search).get("offline_item");
  }

  // Offline, the payment form prices the months itself, with the rules cached at the last sync.
  async function priceOffline(form) {
    const participant = participantOf(form);
    const rules = await Store.meta("rules");
    const amount = form.querySelector("[name=amount]");
    if (!participant || !rules || !amount) return;
    const data = Entries.body("contribution", Array.from(new FormData(form).entries()));
    let note = form.querySelector(".offline-amount");
    if (!note) {
      note = element("div", "form-text offline-amount");
      amount.after(note);
    }
    try {
      const due = Entries.paymentDue(rules, participant, {
        firstMonth: data.first_month, months: parseInt(data.months, 10) || 1,
        withJht: data.with_jht, fundingSource: data.funding_source,
      });
      amount.value = String(due).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
      note.textContent = `Dihitung di HP dengan aturan iuran tersimpan: ${Entries.formatRupiah(due)}.`;
    } catch (error) {
      note.textContent = error.message;
    }
  }

  async function keep(form, submitter) {
    const pairs = Array.from(new FormData(form, submitter).entries()).filter(([, value]) => typeof value === "string");
    const kind = form.dataset.offline;
    const editing = editingId();
    const existing = editing ? await Store.get(editing) : null;
    const entry = existing && existing.user === user ? Entries.amend(existing, pairs) : Entries.make({
      kind,
      api: form.dataset.offlineApi,
      pairs,
      user,
      page: location.pathname + location.search,
      extra: form.dataset.offlineLabel || "",
    });
    const problems = Entries.check(kind, entry.body, { rules: await Store.meta("rules"), participant: participantOf(form) });
    if (Object.keys(problems).length) {
      showErrors(form, problems);
      return;
    }
    clearErrors(form);
    await Store.put(entry);
    await askBackgroundSync();
    if (existing) {
      location.assign(`${settings.offlineUrl}?disimpan=${entry.id}`);
      return;
    }
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = false; });  // js-once
    if (kind === "monthly") {
      form.querySelectorAll("input[name=paid]:checked").forEach((box) => {
        box.checked = false;
        box.disabled = true;
        box.dispatchEvent(new Event("change", { bubbles: true }));  // the sticky bar's count
        box.closest("li").querySelector("label").append(element("span", "badge text-bg-warning ms-1", "menunggu kirim"));
      });
    } else {
      form.reset();
    }
    await refreshBadge();
    flash(`Disimpan di HP: ${entry.label}. Menunggu kirim; dikirim otomatis saat ada sinyal.`, "info");
    if (navigator.onLine) await sendNow(false);
  }

  function wireForms() {
    document.querySelectorAll("form[data-offline]").forEach((form) => {
      if (form.dataset.offlineWired) return;
      form.dataset.offlineWired = "1";
      [["offline_kind", form.dataset.offline], ["offline_api", form.dataset.offlineApi], ["offline_label", form.dataset.offlineLabel || ""]]
        .forEach(([name, value]) => {
          const input = element("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        });
      form.addEventListener("submit", (event) => {
        const token = form.querySelector("[name=csrfmiddlewaretoken]");
        if (token && cookie("csrftoken")) token.value = cookie("csrftoken");  // a cached page's token may be old
        if (navigator.onLine && !editingId()) return;  // online: the form posts as usual (the worker keeps it if the network fails)
        event.preventDefault();
        const submitter = event.submitter;
        // Sent before this script finished starting: decide once it knows whether the user is an official.
        started.then(() => (current && current.official ? keep(form, submitter) : HTMLFormElement.prototype.submit.call(form)));
      });
      if (form.dataset.offline === "contribution") {
        form.addEventListener("change", (event) => {
          if (!navigator.onLine && event.target.closest(".js-proposal")) priceOffline(form);
        });
      }
    });
  }

  async function startEditing() {
    const id = editingId();
    const form = document.querySelector("form[data-offline]");
    if (!id || !form) return;
    const entry = await Store.get(id);
    if (!entry || entry.user !== user) return;
    fill(form, entry.pairs);
    const box = element("div", "alert alert-warning", `Memperbaiki entri yang ditolak server: ${entry.message || entry.label}`);
    box.dataset.testid = "offline-editing";
    form.before(box);
    if (Object.keys(entry.errors || {}).length) showErrors(form, entry.errors);
  }

  // The page of entries kept on the phone (/offline/).
  async function renderQueue() {
    const holder = document.getElementById("offline-queue");
    if (!holder || !user) return;
    const items = await Store.items(user);
    holder.replaceChildren();
    const saved = new URLSearchParams(location.search).get("disimpan");
    if (saved && items.some((item) => item.id === saved)) {
      holder.append(element("div", "alert alert-info", "Tersimpan di HP. Entri dikirim saat ada sinyal."));
    }
    if (!items.length) {
      holder.append(element("p", "text-muted", "Tidak ada entri di HP ini: semuanya sudah terkirim."));
      return;
    }
    const list = element("ul", "list-group mb-3");
    for (const item of items) {
      const row = element("li", "list-group-item");
      row.dataset.testid = "offline-item";
      row.dataset.status = item.status;
      const head = element("div", "d-flex flex-wrap gap-2 align-items-start");
      head.append(element("span", "me-auto fw-semibold", item.label));
      head.append(element("span", `badge ${item.status === "fix" ? "text-bg-danger" : "text-bg-warning"}`,
        item.status === "fix" ? "perlu diperbaiki" : "menunggu kirim"));
      row.append(head);
      row.append(element("div", "small text-muted", `Dicatat ${new Date(item.created).toLocaleString("id-ID")}`));
      if (item.message) row.append(element("div", "small text-danger mt-1", item.message));
      const actions = element("div", "d-flex gap-2 mt-2");
      if (item.status === "fix") {
        const edit = element("a", "btn btn-sm btn-outline-primary", "Perbaiki");
        edit.href = `${item.page}${item.page.includes("?") ? "&" : "?"}offline_item=${encodeURIComponent(item.id)}`;
        actions.append(edit);
      }
      const discard = element("button", "btn btn-sm btn-outline-danger", "Buang");
      discard.type = "button";
      discard.addEventListener("click", async () => {
        if (!window.confirm(`Buang entri ini dari HP? ${item.label} tidak akan dikirim.`)) return;
        await Store.remove(item.id);
        await refreshBadge();
        await renderQueue();
      });
      actions.append(discard);
      row.append(actions);
      list.append(row);
    }
    holder.append(list);
  }

  // Logout: try to send what waits, say what would be lost, then delete the entries and the kept pages.
  function wireLogout() {
    document.querySelectorAll("form[data-offline-logout]").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        let items = user ? await Store.items(user) : [];
        if (items.length && navigator.onLine) {
          await self.DSJSync.send(user);
          items = await Store.items(user);
        }
        if (items.length && !window.confirm(`${items.length} entri belum terkirim dan akan dihapus dari HP ini. Tetap keluar?`)) {
          return;
        }
        await Store.clear();
        if ("caches" in self) await caches.delete(PAGES_CACHE);
        form.submit();
      });
    });
  }

  async function start() {
    wireLogout();
    await registerWorker();
    user = document.body.dataset.user || "";
    if (!user || !self.indexedDB) return;
    const previous = (await Store.meta("current")) || null;
    if (previous && previous.user !== user && "caches" in self) {
      await caches.delete(PAGES_CACHE);  // another official's pages
    }
    current = { user, csrf: csrfToken(), official: Boolean(previous && previous.user === user && previous.official) };
    await Store.setMeta("current", current);
    document.getElementById("offline-send")?.addEventListener("click", () => sendNow(true));
    document.body.addEventListener("htmx:beforeRequest", (event) => {
      if (!navigator.onLine) event.preventDefault();  // no signal: the payment form prices months itself
    });
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", (event) => {
        const data = event.data || {};
        if (data.type === "synced") { refreshBadge(); renderQueue(); }
        if (data.type === "pages-cached") document.body.dataset.offlineReady = "1";
      });
    }
    window.addEventListener("online", () => sendNow(false));
    await startEditing();
    await refreshBadge();
    await renderQueue();
    if (navigator.onLine) {
      await sendNow(false);
      await refreshOfflineData(false);
    }
    document.body.dataset.offlineStarted = "1";
  }

  wireForms();  // at once, so that a form sent before the start below is still kept
  const started = start().catch(() => undefined);
})();
