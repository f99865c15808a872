"""Dashboard pages, mounted at the root (namespace `dashboard`); `/` itself is `home` in desa_sadar/urls.py."""

from django.urls import path

from dashboards.views import claims, commitments, exports, officials, regions, residents, villages

app_name = "dashboard"

urlpatterns = [
    path("villages/", villages.village_list, name="village_list"),
    path("villages/<str:code>/", villages.village_detail, name="village_detail"),
    path("villages/<str:code>/export/<slug:table>.<slug:fmt>", exports.village_export, name="village_export"),
    path("villages/<str:code>/residents/", residents.resident_page, name="village_residents"),
    path("villages/<str:code>/residents/delete/", residents.resident_delete, name="village_residents_delete"),
    path("villages/<str:code>/residents/prospects/", residents.prospect_list, name="village_prospects"),
    path(
        "villages/<str:code>/residents/prospects.<slug:fmt>", residents.prospect_export, name="village_prospects_export"
    ),
    path("regions/<str:code>/", regions.region_detail, name="region_detail"),
    path("export/<slug:table>.<slug:fmt>", exports.scope_export, name="export"),
    path("commitments/", commitments.commitment_list, name="commitment_list"),
    path("claims/", claims.claim_list, name="claim_list"),
    path("claims/export.<slug:fmt>", claims.claim_export, name="claim_export"),
    path("officials/", officials.official_entries_page, name="official_entries"),
    path("officials/export.<slug:fmt>", officials.official_entries_export, name="official_entries_export"),
]
