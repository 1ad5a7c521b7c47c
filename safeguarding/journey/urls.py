from django.urls import path

from . import tasks_views, views

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
    path("my-tasks/", tasks_views.my_tasks, name="my-tasks"),
    path("timeliness/", tasks_views.timeliness, name="timeliness"),
    path("timeliness/<uuid:team_id>/", tasks_views.team_timeliness, name="team-timeliness"),
    path("timeliness/<uuid:team_id>/overdue/", tasks_views.team_overdue, name="team-overdue"),
]
