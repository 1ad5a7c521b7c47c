from django.contrib.admin.apps import AdminConfig


class SafeguardingAdminConfig(AdminConfig):
    """django.contrib.admin with our admin site (admin_site.py), which signs in through the service's own
    sign-in page. INSTALLED_APPS names this instead of django.contrib.admin."""

    default_site = "safeguarding.accounts.admin_site.SafeguardingAdminSite"
