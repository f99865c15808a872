from django.urls import path

from participants import views, views_contributions, views_import, views_offline

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_create, name="create"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/edit/", views.participant_update, name="update"),
    path("<int:pk>/exit/", views.participant_exit, name="exit"),
    path("<int:pk>/contributions/new/", views_contributions.contribution_create, name="contribution_create"),
    path("<int:pk>/claims/new/", views_contributions.claim_create, name="claim_create"),
    path("contributions/monthly/", views_contributions.contributions_monthly, name="monthly"),
    path("offline-pages/", views_offline.offline_pages, name="offline_pages"),
    path("import/", views_import.import_start, name="import"),
    path("import/iuran/", views_import.import_start, {"kind": "iuran"}, name="import_contributions"),
    path("import/template/<slug:kind>.xlsx", views_import.import_template, name="import_template"),
    path("import/<uuid:pk>/", views_import.import_preview, name="import_preview"),
    path("import/<uuid:pk>/rejected.xlsx", views_import.import_rejected, name="import_rejected"),
]
