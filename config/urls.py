from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Family Safeguarding administration"
admin.site.site_title = "Family Safeguarding administration"

urlpatterns = [
    path("accounts/", include("safeguarding.accounts.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("safeguarding.governance.urls")),
    path("", include("safeguarding.casefile.urls")),
    path("", include("safeguarding.access.urls")),
    path("", include("safeguarding.journey.urls")),
    path("", include("safeguarding.workbook.urls")),
    path("", include("safeguarding.readiness.urls")),
    path("", include("safeguarding.measures.urls")),
    path("", include("safeguarding.outcomes.urls")),
    path("", include("safeguarding.supervision.urls")),
    path("", include("safeguarding.tasks.urls")),
]

handler404 = "safeguarding.casefile.errors.not_found"
handler403 = "safeguarding.casefile.errors.forbidden"
handler400 = "safeguarding.casefile.errors.bad_request"
handler500 = "safeguarding.casefile.errors.server_error"
