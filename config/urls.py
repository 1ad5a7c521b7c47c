from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Family Safeguarding administration"
admin.site.site_title = "Family Safeguarding administration"

urlpatterns = [
    path("accounts/", include("safeguarding.accounts.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("safeguarding.audit.urls")),
    path("", include("safeguarding.allocation.urls")),
    path("", include("safeguarding.people.urls")),
    path("", include("safeguarding.access.urls")),
    path("", include("safeguarding.journey.urls")),
]

handler404 = "safeguarding.core.views.not_found"
handler403 = "safeguarding.core.views.forbidden"
handler400 = "safeguarding.core.views.bad_request"
handler500 = "safeguarding.core.views.server_error"
