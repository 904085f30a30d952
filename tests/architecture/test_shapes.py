"""Shapes that show the architecture (issue 12, item 7): no import circle, and no logic module so long that
it hides its sub-domains (past 400 lines a module becomes a package split by sub-domain, STYLE.md)."""

from tests.architecture.imports import ROOT, cycles, import_graph, project_modules

MAX_LINES = 400


def test_no_import_circle_even_one_dodged_inside_a_function():
    # Imports inside function bodies count: a circle dodged at load time is still a circle.
    found = cycles(import_graph())

    assert not found, "import circles:\n" + "\n".join(" ↔ ".join(component) for component in found)


def test_no_logic_module_is_over_400_lines():
    # project_modules() leaves out migrations; tests live outside the apps' packages.
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines())
        for path in project_modules().values()
    }
    offenders = sorted(((lines, name) for name, lines in sizes.items() if lines > MAX_LINES), reverse=True)

    assert not offenders, f"modules over {MAX_LINES} lines (split them by sub-domain):\n" + "\n".join(
        f"{name}: {lines} lines" for lines, name in offenders
    )
