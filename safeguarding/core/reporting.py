"""What an error report may contain. Our forms hold names, dates of birth and case notes."""

from django.views.debug import SafeExceptionReporterFilter


class NoPersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the DEBUG page, mail to ADMINS, error trackers that reuse Django's reporter) show
    which form fields were posted but never their values: a stack trace is no place for a child's name."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}
