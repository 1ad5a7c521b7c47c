"""Error pages in the council's own layout. A 404 says the same for missing and forbidden records."""

from django.shortcuts import render

from safeguarding.audit.services import Action, audit_record


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    # A refused action is audited like a refused record (see access_family): trying pages one may not
    # use is what councils are audited for. The family or person is named when the page was about one.
    match = getattr(request, "resolver_match", None)
    family_id = match.kwargs.get("family_id") if match else None
    person_id = match.kwargs.get("person_id") if match else None
    audit_record(
        actor=getattr(request, "user", None),
        action=Action.DENIED,
        family_id=family_id,
        people=[person_id] if person_id else (),
        request=request,
        detail={"path": request.path[:500]},
    )
    return render(request, "errors/403.html", status=403)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def server_error(request):
    return render(request, "errors/500.html", status=500)
