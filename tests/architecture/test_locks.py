"""Row locks are taken one way (safeguarding/core/locks.py), so none can deadlock with the audit log."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "safeguarding"


def _plain_row_locks():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "locks.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
                yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"


def test_every_row_lock_goes_through_core_locks():
    assert list(_plain_row_locks()) == []
