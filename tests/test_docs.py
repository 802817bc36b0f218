"""The docs stay true: the command reference is the commands' own --help, every relative
link (and #heading) in README.md and docs/*.md resolves, and the README keeps its
contracts (the two make commands, every exit code, a link to every docs page)."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from qrbatch import ExitCode
from qrbatch.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def reference() -> ModuleType:
    """docs/reference.py, the generator of docs/commands.md (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("docs_reference", ROOT / "docs" / "reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_command_reference_is_the_commands_help() -> None:
    generator = reference()
    committed = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert committed == generator.commands_page(), (
        "docs/commands.md differs from the commands' --help: refresh it with "
        f"`{generator.REFRESH}` and commit docs/commands.md"
    )


def without_code(text: str) -> str:
    """Markdown without fenced blocks, indented blocks and inline code (no links there)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"^(?: {4}|\t).*$", "", text, flags=re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6}\s+(.*?)\s*#*\s*$", text, flags=re.M):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    return LINK.findall(without_code(page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:...
            continue
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no file {file.relative_to(ROOT)}")
        elif fragment and file.suffix == ".md" and fragment not in anchors(file):
            broken.append(f"{target}: no heading #{fragment} in {file.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: broken links:\n" + "\n".join(broken)


def test_the_link_checker_sees_links_and_headings() -> None:
    readme = ROOT / "README.md"
    assert "docs/commands.md" in links(readme)
    assert {"exit-codes", "qrbatch-list-qrbatch-update-qrbatch-delete"} <= anchors(readme)
    assert slug("Reading 100,000 rows") == "reading-100000-rows"
    assert slug("The same engine as `qrbatch run`") == "the-same-engine-as-qrbatch-run"


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in links(ROOT / "README.md")}
    missing = [p.name for p in PAGES[1:] if p.resolve() not in linked]
    assert not missing, f"docs pages the README's 'Where the rest is' does not list: {missing}"


def test_the_readme_keeps_its_contracts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n    make demo\n" in readme and "\n    make test\n" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == "make test", "CI must end with the README's test command"
    table = readme.split("## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    codes = {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert codes == {int(code) for code in ExitCode}
    for code in ExitCode:
        assert f"`{code.name}`" in table or f"ExitCode.{code.name}" in table, code.name
    headings = [line for line in readme.splitlines() if line.startswith("### ")]
    for name in main.commands:  # type: ignore[attr-defined]
        assert any(f"`qrbatch {name}`" in h for h in headings), f"README lacks qrbatch {name}"


def test_the_readme_is_what_most_people_need() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250, "README.md grew past 250 lines: move detail to docs/"
    # The options live in --help and docs/commands.md only, not in a hand-kept copy.
    option_rows = re.findall(r"^\| `-", readme, flags=re.M)
    assert not option_rows, "README.md has an options table again: link docs/commands.md"
