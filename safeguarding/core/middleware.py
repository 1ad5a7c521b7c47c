"""Response headers every page needs, whichever app made it."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) with every response.

    The policy allows script and style only from our own origin and no inline script or style: a name or
    note that slipped past escaping still could not run as script in a worker's browser. A view that needs
    something else sets its own header, which is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response and not self._is_debug_page(response):
            response["Content-Security-Policy"] = policy
        return response

    @staticmethod
    def _is_debug_page(response) -> bool:
        # Django's own technical 404 and 500 pages (DEBUG only, so never in production) are built from
        # inline script and style; under the policy a developer would see an unstyled, broken page.
        return settings.DEBUG and response.status_code in (404, 500)
