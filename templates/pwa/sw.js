// Desa Sadar Jamsostek service worker: made by core.pwa.service_worker; the code is in static/js/offline/worker.js.
self.DSJ_CONFIG = {{ config|safe }};
importScripts({{ scripts|safe }});
