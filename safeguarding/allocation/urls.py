from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-families/", views.my_families, name="my-families"),
    path("team-caseload/", views.team_caseload, name="team-caseload"),
    path("families/<uuid:family_id>/allocations/new/", views.allocation_create, name="allocation-create"),
    path(
        "families/<uuid:family_id>/allocations/<uuid:allocation_id>/end/",
        views.allocation_end,
        name="allocation-end",
    ),
]
