"""Replace the bundled England and Wales bank holidays with a newer file downloaded from GOV.UK.

    curl -o bank-holidays.json https://www.gov.uk/bank-holidays.json     (on any machine with internet)
    manage.py bank_holidays_update bank-holidays.json
    Wrote 91 England and Wales bank holidays for 2018 to 2028 to .../data/bank-holidays-england-and-wales.json

The server never fetches the list itself: every statutory clock counts working days on this file, so it is
bundled with the code and changes only through this command (and review, like any other change). The file is
checked before anything is written; a file that fails the checks leaves the old one in place.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.core import calendar


class Command(BaseCommand):
    help = (
        "Check a bank holidays file downloaded from GOV.UK (https://www.gov.uk/bank-holidays.json: the whole "
        "file, or the england-and-wales division on its own) and write its England and Wales bank holidays "
        "into the file bundled with the code. The list is bundled so that nothing is fetched from the "
        "network at run time: download it on any machine, run this, and commit the result."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The JSON file downloaded from GOV.UK.")
        parser.add_argument(
            "--output",
            type=Path,
            default=calendar.BUNDLED_FILE,
            help=f"Where to write the England and Wales list (default: the bundled {calendar.BUNDLED_FILE}).",
        )

    def handle(self, *args, path: Path, output: Path, **options):
        try:
            with path.open(encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not a text file (UTF-8 JSON expected)") from error
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
            ) from error
        try:
            events = calendar.england_and_wales_events(data)
        except ValueError as error:
            raise CommandError(f"{path} is not a usable bank holidays file: {error}") from error

        first, last = events[0]["date"][:4], events[-1]["date"][:4]
        division = {"division": calendar.DIVISION, "source": calendar.GOV_UK_SOURCE, "events": events}
        self._write(output, json.dumps(division, indent=2, ensure_ascii=False) + "\n")
        # This process may have read the old file already; anything running keeps its copy until restarted.
        calendar.clear_cache()
        self.stdout.write(
            f"Wrote {len(events)} England and Wales bank holidays for {first} to {last} to {output}"
        )

    @staticmethod
    def _write(output: Path, text: str) -> None:
        # Write beside the target and rename over it: a reader never sees half a file.
        try:
            handle = tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=output.parent, prefix=f".{output.name}.", delete=False
            )
        except OSError as error:
            raise CommandError(f"Cannot write to {output.parent}: {error.strerror or error}") from error
        try:
            with handle:
                handle.write(text)
            # NamedTemporaryFile is private to its owner; the web server must still be able to read the list.
            mode = output.stat().st_mode & 0o777 if output.exists() else 0o644
            os.chmod(handle.name, mode)
            os.replace(handle.name, output)
        except OSError as error:
            Path(handle.name).unlink(missing_ok=True)
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from error
