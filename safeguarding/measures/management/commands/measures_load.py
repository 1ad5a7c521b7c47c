"""Load a council's own instrument definition (or a new version of a shipped one) without a code change.

    manage.py measures_load FILE [--check]

The file is validated as the shipped ones are (definitions.parse): every problem is listed with the file
and the field. A definition is never replaced: a change is a new version, higher than any loaded or
shipped for that code, and new records use it while older ones keep the version they were scored by.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from safeguarding.measures import instruments
from safeguarding.measures.definitions import DefinitionError, load_file
from safeguarding.measures.models import InstrumentDefinition


class Command(BaseCommand):
    help = "Validate and load an instrument definition file (JSON), as a new instrument or a new version."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--check", action="store_true", help="Validate only; load nothing.")

    def handle(self, *args, file, check=False, **options):
        try:
            instrument, data = load_file(file)
        except DefinitionError as error:
            raise CommandError(str(error)) from None
        versions = [v for (code, v) in instruments.every() if code == instrument.code]
        if versions and instrument.version <= max(versions):
            raise CommandError(
                f"{file}: version: {instrument.code} version {max(versions)} is already in use; "
                f"a changed definition needs a higher version"
            )
        if check:
            self.stdout.write(f"{file}: valid: {instrument.name} version {instrument.version}")
            return
        try:
            with transaction.atomic():
                InstrumentDefinition.objects.create(
                    code=instrument.code,
                    version=instrument.version,
                    definition=data,
                    loaded_from=str(file)[-300:],
                )
        except IntegrityError:
            raise CommandError(
                f"{file}: version: {instrument.code} version {instrument.version} is already loaded"
            ) from None
        self.stdout.write(
            f"Loaded {instrument.name} version {instrument.version} ({len(instrument.items)} items, "
            f"scores {instrument.min_score} to {instrument.max_score})"
        )
