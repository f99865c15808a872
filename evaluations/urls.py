"""The anev pages, mounted at /evaluations/ (namespace `evaluations`)."""

from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("new/", views.cycle_create, name="cycle_create"),
    path("<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path("<int:pk>/tracker/", views.cycle_tracker, name="cycle_tracker"),
    path("<int:pk>/summary.pdf", views.cycle_summary_pdf, name="cycle_summary_pdf"),
    path("<int:pk>/summary.xlsx", views.cycle_summary_xlsx, name="cycle_summary_xlsx"),
    path("village/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("village/<int:pk>/compute/", views.evaluation_compute, name="evaluation_compute"),
    path("village/<int:pk>/notes/", views.evaluation_notes, name="evaluation_notes"),
    path("village/<int:pk>/pillar/<str:pillar>/", views.pillar_adjust, name="pillar_adjust"),
    path("village/<int:pk>/submit/", views.evaluation_submit, name="evaluation_submit"),
    path("village/<int:pk>/approve/", views.evaluation_approve, name="evaluation_approve"),
    path("village/<int:pk>/return/", views.evaluation_return, name="evaluation_return"),
    path("village/<int:pk>/actions/", views.action_item_add, name="action_item_add"),
    path("village/<int:pk>/report.pdf", views.evaluation_report_pdf, name="evaluation_report_pdf"),
    path("village/<int:pk>/print/", views.evaluation_report_print, name="evaluation_report_print"),
    path("actions/<int:pk>/", views.action_item_edit, name="action_item_edit"),
    path("actions/<int:pk>/delete/", views.action_item_delete, name="action_item_delete"),
    path("actions/<int:pk>/status/", views.action_item_status, name="action_item_status"),
]
