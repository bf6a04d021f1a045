from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("entries/<int:pk>/approve/", views.approve, name="approve"),
    path("entries/<int:pk>/reject/", views.reject, name="reject"),
    path("entries/<int:pk>/send-back/", views.send_back, name="send_back"),
    path("entries/<int:pk>/decide/", views.decide, name="decide"),
    path("entries/<int:pk>/report/", views.report, name="report"),
    path("audit/", views.audit_log, name="audit_log"),
]
