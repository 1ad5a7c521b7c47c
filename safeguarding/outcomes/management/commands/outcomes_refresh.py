"""Work the outcome figures out again for the whole council and every open team (run it each night)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from safeguarding.accounts.models import Team
from safeguarding.outcomes.figures import Scope
from safeguarding.outcomes.services import snapshot_refresh


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        today = timezone.localdate()
        scopes = [Scope.council()] + [Scope.team(t) for t in Team.objects.order_by("name")]
        for scope in scopes:
            started = timezone.now()
            snapshot_refresh(scope=scope, today=today)
            seconds = (timezone.now() - started).total_seconds()
            self.stdout.write(f"{scope.label}: worked out in {seconds:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(f"Outcome figures as at {today:%-d %B %Y}: {len(scopes)} scopes")
        )
