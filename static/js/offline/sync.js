// Desa Sadar Jamsostek: send the entries kept on the phone through the REST API, each with the
// Idempotency-Key made when it was entered, so a retry after a lost connection never writes twice.
// Loaded by the pages and by the service worker; defines self.DSJSync.
(function (scope) {
  "use strict";

  const REFUSED = [400, 404, 409, 413, 415, 422];

  async function answerOf(response) {
    try {
      return await response.json();
    } catch (error) {
      return {};
    }
  }

  async function sendOne(item, csrf) {
    let response;
    try {
      response = await fetch(item.api, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf || "",
          "Idempotency-Key": item.key,
        },
        body: JSON.stringify(item.body),
      });
    } catch (error) {
      return { outcome: "offline" };
    }
    const answer = await answerOf(response);
    if (response.ok) return { outcome: "sent", answer };
    // No session (it expired while offline) or a CSRF token of an older session: log in again, keep everything.
    if (response.status === 401 || (response.status === 403 && /^CSRF/.test(answer.detail || ""))) {
      return { outcome: "login" };
    }
    if (REFUSED.includes(response.status) || response.status === 403) {
      return { outcome: "fix", answer };
    }
    return { outcome: "later", answer };  // 429, 5xx: the server will take it later
  }

  async function sendAll(user) {
    const store = scope.DSJStore;
    const current = (await store.meta("current")) || {};
    const summary = { sent: 0, fix: 0, login: false, offline: false, stopped: "" };
    const items = (await store.items(user)).filter((item) => item.status === "pending");
    for (const item of items) {
      const result = await sendOne(item, current.user === String(user) ? current.csrf : "");
      if (result.outcome === "sent") {
        await store.remove(item.id);
        summary.sent += 1;
      } else if (result.outcome === "fix") {
        const lines = scope.DSJEntries.messages(result.answer);
        await store.put({ ...item, status: "fix", message: lines.join(" "), errors: (result.answer && result.answer.errors) || {} });
        summary.fix += 1;
      } else {
        summary.login = result.outcome === "login";
        summary.offline = result.outcome === "offline";
        summary.stopped = result.outcome;
        break;
      }
    }
    await store.setMeta(`login-needed-${user}`, summary.login);
    if (summary.sent || summary.fix) await store.setMeta(`last-sync-${user}`, new Date().toISOString());
    return summary;
  }

  // One sender at a time across the tabs and the service worker (Web Locks where the browser has them).
  function send(user) {
    if (!user) return Promise.resolve({ sent: 0, fix: 0, login: false, offline: false, stopped: "no-user" });
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("dsj-sync", () => sendAll(user)) : sendAll(user);
  }

  scope.DSJSync = { send };
})(self);
