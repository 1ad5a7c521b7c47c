from django.conf import settings


def council(request):
    return {"council_name": settings.COUNCIL_NAME, "service_name": settings.SERVICE_NAME}


def navigation(request):
    """Which links the header shows: only pages the user may use, so nobody clicks into a refusal."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    from safeguarding.access.policies import emergency_access_can_request
    from safeguarding.accounts.models import User
    from safeguarding.audit.policies import audit_pages_can_use
    from safeguarding.journey.policies import tasks_can_view
    from safeguarding.people.policies import case_records_can_search, family_can_create

    Role = User.Role
    return {
        "nav_team_caseload": user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER),
        "nav_my_tasks": tasks_can_view(user),
        # journey.policies.timeliness_can_view without its query (this runs on every page): a service
        # manager sees every team, a team manager their own (a team_id always names a team).
        "nav_timeliness": not user.is_partner_agency
        and (
            user.role == Role.SERVICE_MANAGER or (user.role == Role.TEAM_MANAGER and user.team_id is not None)
        ),
        "nav_search": case_records_can_search(user),
        "nav_create_family": family_can_create(user),
        "nav_audit": audit_pages_can_use(user),
        "nav_emergency_access": emergency_access_can_request(user),
    }
