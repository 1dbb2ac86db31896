"""`spred newsletter` run as operators run it (a subprocess): a topic's or a sponsor's section
as Markdown or HTML, on stdout or written to a file, and each mistake one line."""

from __future__ import annotations

import asyncio
import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from knowledge.store import open_store
from tests.test_cli import Workspace, assert_one_line_error, base_env
from tests.test_newsletter import ASKERS, HOSTILE, stored_area


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A data directory holding tests/test_newsletter.py's ældrepleje, dated back from now:
    a process run here reads the real clock."""
    root = tmp_path_factory.mktemp("newsletter")
    workspace = Workspace(cwd=root, data=root / "data")

    async def fill() -> None:
        store = await open_store(workspace.data)
        try:
            await stored_area(store, at=datetime.now(UTC))
        finally:
            await store.close()

    asyncio.run(fill())
    return workspace


def test_a_topics_section_in_markdown_on_stdout(area: Workspace) -> None:
    run = area("newsletter", "--topic", "AELDREPLEJE")
    assert run.code == 0, run
    assert run.err == ""
    text = run.out
    assert text.startswith("## Løsninger, der spreder sig: ældrepleje\n")
    assert text.index("### Opstartsteam i hjemmeplejen") < text.index("### &lt;script&gt;")
    assert "- 2 organisationer er i perioden gået i gang med den: Vejle Kommune og " \
           "Odense Kommune" in text  # fmt: skip
    assert "### Kan dine medlemmer svare?" in text
    assert "- “Hvordan får vi flere hænder i ældreplejen?” (spurgt 3 gange)" in text
    for asker, name in ASKERS.items():
        assert asker not in text
        assert name not in text
    assert "/l/" not in text  # no SPRED_PUBLIC_URL, no links to pages


def test_html_to_a_file_with_links_and_in_english(area: Workspace) -> None:
    target = area.cwd / "out" / "nyhedsbrev.html"
    target.parent.mkdir(exist_ok=True)
    env = base_env(SPRED_PUBLIC_URL="https://spred.eksempel.dk/")
    run = area("newsletter", "--topic", "ældrepleje", "--format", "html", "-o", target, env=env)
    assert run.code == 0, run
    assert run.out == ""
    assert run.err == f"Wrote the newsletter section to {target}.\n"
    fragment = target.read_text(encoding="utf-8")
    assert f"<h3>{html.escape(HOSTILE)}</h3>" in fragment
    assert '<a href="https://spred.eksempel.dk/l/opstart">Læs mere</a>' in fragment
    assert target.stat().st_mode & 0o777 == 0o644
    root = ET.fromstring(fragment)  # one well-formed fragment, nothing outside it
    assert root.tag == "section"
    assert [e.text for e in root.iter("h3")] == [
        "Opstartsteam i hjemmeplejen",
        HOSTILE,
        "Kan dine medlemmer svare?",
    ]

    english = area("newsletter", "--topic", "ældrepleje", "--language", "en")
    assert english.code == 0, english
    assert "## Solutions that are spreading: ældrepleje" in english.out


def test_a_sponsors_portfolio(area: Workspace) -> None:
    run = area("newsletter", "--sponsor", "kl", "--since", "30")
    assert run.code == 0, run
    assert run.out.startswith("## Løsninger støttet af KL, der spreder sig\n")
    assert "Opstartsteam i hjemmeplejen" in run.out
    assert "&lt;script&gt;" not in run.out  # Socialstyrelsen's, not KL's
    assert "Hvem dækker nattevagter?" in run.out
    assert "flere hænder" not in run.out  # names ældrepleje, but no solution of KL's missed


def test_nothing_to_report_is_one_line_and_success(area: Workspace) -> None:
    run = area("newsletter", "--topic", "dagtilbud", "--since", "1")
    assert run.code == 0, run
    assert run.out == ""
    assert run.err == (
        "Nothing to report on 'dagtilbud' in the last 1 days: no solution of it spread, and no "
        "open question about it may be shared. Try a longer --since.\n"
    )
    target = area.cwd / "intet.md"
    quiet = area("newsletter", "--topic", "dagtilbud", "--since", "1", "-o", target)
    assert quiet.code == 0, quiet
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((), "give either --topic TOPIC or --sponsor NAME"),
        (("--topic", "ældrepleje", "--sponsor", "KL"), "give either --topic TOPIC or --sponsor"),
        (("--topic", "  "), "--topic needs a value, e.g. --topic ældrepleje"),
        (("--topic", "ældreplej"), "no published solution names the topic 'ældreplej'; did you "
                                   "mean 'ældrepleje'?"),
        (("--topic", "zzzz"), "no published solution names the topic 'zzzz'; 'spred list --json'"),
        (("--sponsor", "Socialstyrelsn"), "names the sponsor 'Socialstyrelsn'; did you mean "
                                          "'Socialstyrelsen'?"),
        (("--topic", "ældrepleje", "--since", "0"), "--since must be a whole number of days "
                                                    "from 1 to 366, not '0'"),
        (("--topic", "ældrepleje", "--since", "367"), "not '367'"),
        (("--topic", "ældrepleje", "--since", "tre"), "not 'tre'"),
        (("--topic", "ældrepleje", "--format", "pdf"), "--format must be md or html, not 'pdf'"),
        (("--topic", "ældrepleje", "--language", "fr"), "--language must be da or en"),
        (("--topic", "ældrepleje", "-o", "/nonexistent/dir/x.md"), "cannot write"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_line(area: Workspace, args: tuple[str, ...], said: str) -> None:
    assert_one_line_error(area("newsletter", *args), said)


def test_a_bad_public_address_is_named(area: Workspace) -> None:
    run = area("newsletter", "--topic", "x", env=base_env(SPRED_PUBLIC_URL="spred.dk"))
    assert_one_line_error(run, "SPRED_PUBLIC_URL must be the http(s) address")
