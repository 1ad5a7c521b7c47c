import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguarding.demo import personas as cast
from safeguarding.demo.generator import SCALES, build_council, council_exists


class Command(BaseCommand):
    help = "Create the synthetic demo council (idempotent) and print the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale, seed, **options):
        if not settings.DEBUG and not getattr(settings, "DEMO_SEEDING_ALLOWED", False):
            raise CommandError("Demo data is only seeded in the demo and test settings, never in production")
        if council_exists():
            self.stdout.write("Demo council already present: keeping its data.")
        else:
            started = time.perf_counter()
            counts = build_council(scale=scale, seed=seed)
            took = time.perf_counter() - started
            summary = ", ".join(f"{v} {k}" for k, v in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo council created in {took:.1f}s: {summary}"))
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {cast.DEMO_PASSWORD}):")
        for p in cast.PERSONAS:
            self.stdout.write(
                f"  {p.username:<6} {p.first_name} {p.last_name}, {p.job_title}"
                f"{', ' + p.team if p.team else ''} ({p.organisation}) – {p.about}"
            )
