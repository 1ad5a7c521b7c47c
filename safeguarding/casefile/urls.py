from django.urls import path

from . import allocation_views, views

app_name = "casefile"

urlpatterns = [
    path("families/new/", views.family_create, name="family-create"),
    path("families/<uuid:family_id>/", views.family_detail, name="family-detail"),
    path("families/<uuid:family_id>/edit/", views.family_edit, name="family-edit"),
    path("families/<uuid:family_id>/people/new/", views.person_create, name="person-create"),
    path(
        "families/<uuid:family_id>/relationships/new/", views.relationship_create, name="relationship-create"
    ),
    path(
        "families/<uuid:family_id>/people/<uuid:person_id>/addresses/new/",
        views.address_create,
        name="address-create",
    ),
    path(
        "families/<uuid:family_id>/people/<uuid:person_id>/adult-details/new/",
        views.adult_detail_create,
        name="adult-detail-create",
    ),
    path("people/<uuid:person_id>/", views.person_detail, name="person-detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person-edit"),
    path("search/", views.search, name="search"),
    path("", allocation_views.home, name="home"),
    path("my-families/", allocation_views.my_families, name="my-families"),
    path("team-caseload/", allocation_views.team_caseload, name="team-caseload"),
    path(
        "families/<uuid:family_id>/allocations/new/",
        allocation_views.allocation_create,
        name="allocation-create",
    ),
    path(
        "families/<uuid:family_id>/allocations/<uuid:allocation_id>/end/",
        allocation_views.allocation_end,
        name="allocation-end",
    ),
]
