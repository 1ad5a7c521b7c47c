from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.home, name="home"),
    path("families/<uuid:family_id>/access-log/", views.family_access_log, name="family-access-log"),
    path(
        "families/<uuid:family_id>/access-log.csv", views.family_access_log_csv, name="family-access-log-csv"
    ),
    path("people/<uuid:person_id>/access-log/", views.person_access_log, name="person-access-log"),
    path("people/<uuid:person_id>/access-log.csv", views.person_access_log_csv, name="person-access-log-csv"),
    path("people/<uuid:person_id>/subject-access/", views.subject_access, name="subject-access"),
    path("unusual-access/", views.unusual_access, name="unusual-access"),
    path("unusual-access.csv", views.unusual_access_csv, name="unusual-access-csv"),
]
