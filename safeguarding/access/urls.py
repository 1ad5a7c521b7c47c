from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("emergency-access/", views.emergency_access, name="emergency-access"),
    path("emergency-access/find/", views.emergency_access_search, name="emergency-access-search"),
    path(
        "families/<uuid:family_id>/people/<uuid:person_id>/sharing-basis/new/",
        views.sharing_basis_create,
        name="sharing-basis-create",
    ),
    path(
        "families/<uuid:family_id>/people/<uuid:person_id>/sharing-basis/<uuid:basis_id>/withdraw/",
        views.sharing_basis_withdraw,
        name="sharing-basis-withdraw",
    ),
]
