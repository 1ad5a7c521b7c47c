"""Accessibility checks for browser tests with axe-core (WCAG 2.2 AA is the service's standard).

axe.min.js comes from the npm package, copied into build/static/frontend by the front-end build
(`make setup`); it is not committed. It is loaded from the live server's own origin as a script file, not
injected inline, so the pages keep their Content-Security-Policy (script-src 'self', no inline script)
while axe checks them. Usage in a browser test:

    from tests.e2e.axe import assert_no_serious_axe_violations

    page.goto(live_server.url + "/families/")
    assert_no_serious_axe_violations(page)
"""

from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "build" / "static" / "frontend" / "axe.min.js"
AXE_URL = "/static/frontend/axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA; axe's best-practice rules are left out on purpose.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Minor and moderate findings are reviewed by hand; serious and critical ones block a user outright.
BLOCKING_IMPACTS = {"serious", "critical"}

_RUN_AXE = """
async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return results.violations;
}
"""


def axe_check(page):
    """Run axe on the page as it is now and return its serious and critical violations.

    Each violation is axe's own dict: id, impact, help, helpUrl, nodes (each with a `target`).
    """
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: build the front-end assets with `make setup`", pytrace=False)
    # Inject after every navigation (it replaces the page's globals, axe included), from the page's own
    # origin, which the policy allows: add_script_tag(path=...) would inline it, and be refused.
    # A test that clicked a link and did not wait may still be mid-navigation; the script tag needs the
    # new document's <head>, so let it finish parsing first.
    page.wait_for_load_state("domcontentloaded")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(_RUN_AXE, WCAG_TAGS)
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations, max_targets=3):
    """One readable paragraph per violation: rule, impact, what is wrong, where (first few elements)."""
    lines = []
    for v in violations:
        nodes = v.get("nodes", [])
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in nodes[:max_targets]:
            # A target is a list of selectors, one per frame or shadow root on the way to the element.
            lines.append(f"    at {' >> '.join(str(part) for part in node.get('target', []))}")
        if len(nodes) > max_targets:
            lines.append(f"    … and {len(nodes) - max_targets} more")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page):
    """Fail the test, listing each rule and element, if axe finds serious or critical violations."""
    violations = axe_check(page)
    if violations:
        pytest.fail(
            f"axe found {len(violations)} serious or critical WCAG 2.2 AA violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def assert_no_serious_axe_violations_at_both_widths(page):
    """The page as it is now, at desktop and phone widths (the service's standard), back to desktop after."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_no_serious_axe_violations(page)
    page.set_viewport_size(DESKTOP)
