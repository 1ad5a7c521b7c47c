"""Load newer DfE published figures (issue #12 item 6), or regenerate the shipped compact table.

    manage.py outcomes_load_published DIR                  # load the DfE files in DIR into the database
    manage.py outcomes_load_published DIR --write-shipped  # rewrite safeguarding/outcomes/data/ from DIR

DIR holds DfE files of the shapes the shipped table was derived from, recognised by the start of their
names (cla_number_and_rate_per_10k_children*, b1_children_in_need*, c1_..., c3_..., d3_..., d5_...,
ons_mid-year_population_estimates*, sn_model_2025_wide*). Any of them may be given: the figures for each
measure and year a file holds replace the stored ones, other years stay; a neighbour model replaces the
stored one. Derived rates use the ONS file in DIR, or the estimates already loaded. `--write-shipped`
needs every file, so that the shipped table is whole.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from safeguarding.outcomes import published
from safeguarding.outcomes.models import PublishedArea, PublishedFigure, StatisticalNeighbour


class Command(BaseCommand):
    help = "Load the DfE's published children's social care figures from DIR (or rewrite the shipped table)."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument(
            "--write-shipped",
            action="store_true",
            help="Rewrite the compact table shipped in safeguarding/outcomes/data/ from DIR; load nothing.",
        )

    def handle(self, *args, directory, write_shipped=False, **options):
        try:
            paths = published.find_sources(directory)
            expected = set(published.SOURCES) | {"sn"}
            if not paths:
                names = ", ".join(sorted(s.prefix for s in published.SOURCES.values()))
                raise published.PublishedDataError(
                    f"{directory}: no DfE file we know "
                    f"(names starting {names} or {published.NEIGHBOUR_PREFIX})"
                )
            if write_shipped:
                missing = expected - set(paths)
                if missing:
                    raise published.PublishedDataError(
                        f"{directory}: the shipped table needs every file; missing: "
                        + ", ".join(
                            sorted(
                                published.SOURCES[k].prefix
                                if k in published.SOURCES
                                else published.NEIGHBOUR_PREFIX
                                for k in missing
                            )
                        )
                    )
                derived = published.derive(paths)
            else:
                population = None
                if "ons" not in paths:
                    population = {
                        (code, year): value
                        for code, year, value in PublishedFigure.objects.filter(
                            measure=published.POPULATION
                        ).values_list("area_code", "year", "value")
                    }
                derived = published.derive(paths, population)
        except published.PublishedDataError as error:
            raise CommandError(str(error)) from None

        if write_shipped:
            for path in published.write_shipped(derived):
                self.stdout.write(f"Wrote {path}")
            return
        with transaction.atomic():
            counts = published.store(derived, PublishedFigure, PublishedArea, StatisticalNeighbour)
        years = counts["years"]
        span = f"{years[0]} to {years[-1]}" if years else "no years"
        self.stdout.write(
            f"Loaded {counts['figures']} figures for {span} from {len(paths)} file(s)"
            + (f"; {counts['neighbours']} statistical neighbours" if counts["neighbours"] else "")
            + (f"; {counts['areas']} new areas" if counts["areas"] else "")
        )
