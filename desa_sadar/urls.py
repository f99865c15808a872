from django.contrib import admin
from django.urls import include, path

from core import pwa
from dashboards.views import dashboard
from desa_sadar import accounts, health

admin.site.site_header = "Desa Sadar Jamsostek — Administrasi"
admin.site.site_title = "Desa Sadar Jamsostek"
admin.site.index_title = "Pengaturan cabang"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("", include("dashboards.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("activities/", include("villages.urls")),
    path("participants/", include("participants.urls")),
    path("reconciliation/", include("reconciliation.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("api/", include("api.urls")),
    path("jobs/", include("core.urls")),
]
