"""The layers of safeguarding/ and the import rule between them (docs/architecture.md, "Layers").

An app may import an app in a lower layer, never one in its own layer or above. Capabilities reach the
pages above them through the registries in `core` (navigation, chronology) and `tasks` (task kinds),
registered in their AppConfig.ready(). Tests and migrations are not checked: tests sit above everything.

Run directly (`python tests/architecture/layers.py`) it prints every upward import and exits non-zero;
`make lint` runs it, and tests/architecture/test_layers.py fails the suite on any.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "safeguarding"

# Bottom first. One row is one layer; apps in the same row may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("core",),  # base model, GOV.UK forms, working-day calendar, registries
    ("audit",),  # AuditEvent and its subjects, the hash chain, audit_record
    ("accounts",),  # organisations, teams, staff, roles and what each role may do
    ("people",),  # the register: families, people, relationships, addresses, identifiers
    ("allocation",),  # who works with which family, in which role
    ("access",),  # who may see what: visibility, authorised fetches, sensitivity, emergency access
    ("tasks",),  # due and overdue work from providers; My tasks; Timeliness
    ("journey",),  # capabilities: the statutory journey and its clocks
    ("workbook",),  # the model's capabilities: the Workbook (cycles, chapters, sessions, assessments)
    # Motivational interviewing (each parent's readiness rulers and stage of change); parent measures
    # (validated questionnaires, their scores, safety alerts): beside each other, neither imports the other.
    ("readiness", "measures"),
    ("supervision",),  # group case supervision: schedule, pack, meeting record, actions; closes cycles
    # Reports: information governance (who has seen, unusual access, subject access); outcomes (the council's
    # figures beside its statistical neighbours', the national trial's measures). Neither imports the other.
    ("governance", "outcomes"),
    ("casefile",),  # the family and person pages, caseloads: read every layer below, link to the reports
    ("demo",),  # the synthetic council: may import everything
]
LAYER_OF = {app: index for index, apps in enumerate(LAYERS) for app in apps}


@dataclass(frozen=True)
class UpwardImport:
    path: str
    line: int
    importer: str
    imported: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.importer} (layer {LAYER_OF[self.importer]}) imports "
            f"{self.imported} (layer {LAYER_OF[self.imported]})"
        )


def _imported_apps(tree: ast.AST, package_parts: list[str]):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # Relative: resolve against the module's package (from .. import x leaves the app).
                base = package_parts[: len(package_parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
                for name in names:
                    yield node.lineno, name
            elif node.module:
                yield node.lineno, node.module
                for alias in node.names:
                    yield node.lineno, f"{node.module}.{alias.name}"


def unknown_apps() -> list[str]:
    """Apps under safeguarding/ that no layer names: a new app must say where it sits."""
    apps = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return sorted(apps - set(LAYER_OF))


def upward_imports() -> list[UpwardImport]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        importer = parts[1]
        if importer not in LAYER_OF:
            continue
        package_parts = list(parts[:-1]) if path.name != "__init__.py" else list(parts[:-1])
        tree = ast.parse(path.read_text(), filename=str(path))
        seen = set()
        for line, module in _imported_apps(tree, package_parts):
            names = module.split(".")
            if len(names) < 2 or names[0] != "safeguarding":
                continue
            imported = names[1]
            if imported == importer or imported not in LAYER_OF or (line, imported) in seen:
                continue
            if LAYER_OF[imported] >= LAYER_OF[importer]:
                seen.add((line, imported))
                found.append(UpwardImport(str(path.relative_to(ROOT)), line, importer, imported))
    return found


def main() -> int:
    problems = [
        f"safeguarding/{app}: not in any layer (tests/architecture/layers.py)" for app in unknown_apps()
    ]
    problems += [str(found) for found in upward_imports()]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} import(s) break the layers (docs/architecture.md)")
        return 1
    print(f"layers: no upward imports across {len(LAYER_OF)} apps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
