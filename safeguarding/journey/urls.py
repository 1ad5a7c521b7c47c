from django.urls import path

from . import views

app_name = "journey"

urlpatterns = [
    path("children/<uuid:person_id>/journey/", views.child_journey, name="child-journey"),
    path("children/<uuid:person_id>/journey/<slug:step>/", views.step_record, name="step"),
    path(
        "children/<uuid:person_id>/journey/<slug:record_type>/<uuid:record_id>/correct/",
        views.record_correct,
        name="record-correct",
    ),
    path("children/<uuid:person_id>/chronology/", views.child_chronology, name="child-chronology"),
    path("families/<uuid:family_id>/chronology/", views.family_chronology, name="family-chronology"),
]
