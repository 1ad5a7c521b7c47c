from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("my-tasks/", views.my_tasks, name="my-tasks"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("timeliness/<uuid:team_id>/", views.team_timeliness, name="team-timeliness"),
    path("timeliness/<uuid:team_id>/overdue/", views.team_overdue, name="team-overdue"),
]
