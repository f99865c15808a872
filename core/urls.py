"""Background jobs (namespace `jobs`), mounted at /jobs/."""

from django.urls import path

from core import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/berkas/", views.job_file, name="file"),
]
