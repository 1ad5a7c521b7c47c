"""The import rule between apps (docs/architecture.md): no app imports an app above it or beside it."""

import ast
import textwrap

from tests.architecture import layers


def test_no_app_imports_an_app_in_its_own_layer_or_above():
    assert [str(found) for found in layers.upward_imports()] == []


def test_every_app_sits_in_a_layer():
    assert layers.unknown_apps() == []


def test_the_check_sees_absolute_relative_and_nested_imports(tmp_path):
    # The check must find an upward import however it is written, or it would pass by not looking.
    source = textwrap.dedent(
        """
        from safeguarding.casefile import views
        import safeguarding.journey.models
        def later():
            from safeguarding.tasks.models import Deadline
        """
    )
    found = {module for _, module in layers._imported_apps(ast.parse(source), ["safeguarding", "people"])}
    assert {"safeguarding.casefile", "safeguarding.journey.models", "safeguarding.tasks.models"} <= found
    relative = ast.parse("from ..casefile import views")
    assert "safeguarding.casefile" in {
        m for _, m in layers._imported_apps(relative, ["safeguarding", "people"])
    }


def test_layers_are_bottom_up_with_the_register_below_access_and_capabilities_below_the_case_file():
    order = layers.LAYER_OF
    assert order["core"] < order["audit"] < order["accounts"] < order["people"] < order["allocation"]
    assert order["allocation"] < order["access"] < order["tasks"] < order["journey"] < order["casefile"]
    assert order["journey"] < order["governance"] < order["casefile"] < order["demo"] == max(order.values())
