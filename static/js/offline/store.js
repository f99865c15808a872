// Desa Sadar Jamsostek offline store: the entries waiting to be sent and a little state, in IndexedDB.
// Loaded by the pages (<script>) and by the service worker (importScripts); defines self.DSJStore.
// Entries belong to one user (entry.user); the whole database is deleted at logout.
(function (scope) {
  "use strict";
  const NAME = "dsj-offline";
  const VERSION = 1;
  let opening = null;

  function promised(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(NAME, VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          const items = db.createObjectStore("items", { keyPath: "id" });
          items.createIndex("user", "user");
          db.createObjectStore("meta", { keyPath: "key" });
        };
        request.onsuccess = () => {
          const db = request.result;
          // Another tab (or the logout) deleting the database: let it, and open again next time.
          db.onversionchange = () => { db.close(); opening = null; };
          resolve(db);
        };
        request.onerror = () => { opening = null; reject(request.error); };
        request.onblocked = () => { opening = null; reject(new Error("IndexedDB blocked")); };
      });
    }
    return opening;
  }

  async function run(storeName, mode, work) {
    const db = await open();
    const transaction = db.transaction(storeName, mode);
    const done = new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    const result = await work(transaction.objectStore(storeName));
    await done;
    return result;
  }

  const DSJStore = {
    // The entries of one user, oldest first.
    async items(user) {
      const list = await run("items", "readonly", (store) => promised(store.index("user").getAll(String(user))));
      return list.sort((a, b) => a.created.localeCompare(b.created));
    },
    get(id) {
      return run("items", "readonly", (store) => promised(store.get(id)));
    },
    put(item) {
      return run("items", "readwrite", (store) => promised(store.put(item)));
    },
    remove(id) {
      return run("items", "readwrite", (store) => promised(store.delete(id)));
    },
    async meta(key) {
      const row = await run("meta", "readonly", (store) => promised(store.get(key)));
      return row ? row.value : undefined;
    },
    setMeta(key, value) {
      return run("meta", "readwrite", (store) => promised(store.put({ key, value })));
    },
    // Everything, for the logout: close our connection, then delete the database.
    async clear() {
      if (opening) {
        try { (await opening).close(); } catch (error) { /* never opened */ }
        opening = null;
      }
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(NAME);
        request.onsuccess = resolve;
        request.onerror = resolve;
        request.onblocked = resolve;
      });
    },
  };
  scope.DSJStore = DSJStore;
})(self);
