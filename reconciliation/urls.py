from django.urls import path

from reconciliation import views

app_name = "reconciliation"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:pk>/pratinjau/", views.preview, name="preview"),
    path("<uuid:pk>/pemetaan/", views.remap, name="remap"),
    path("<uuid:pk>/", views.result, name="result"),
    path("<uuid:pk>/temuan/", views.findings, name="findings"),
    path("<uuid:pk>/temuan.xlsx", views.findings_export, name="findings_export"),
    path("<uuid:pk>/terapkan/", views.apply, name="apply"),
]
