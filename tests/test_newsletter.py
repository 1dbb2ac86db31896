"""A newsletter's content (bot/newsletter.py) and its two renderings (bot/newsletter_render.py):
what spread in the period and nothing from before it, the area's most asked open questions
with nobody's name, and every text from the store escaped for its format."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from bot.newsletter import (
    MAX_SOLUTIONS,
    Subject,
    Unknown,
    gather,
    sponsor_subject,
    topic_subject,
)
from bot.newsletter_render import html_fragment, markdown, md
from knowledge.records import (
    Adaptation,
    Adoption,
    Demand,
    DemandStatus,
    SolutionVersion,
    Stage,
)
from knowledge.solutions import Solution
from knowledge.store import MemoryStore, Store
from tests.conftest import make_solution

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the newsletter is made now: 30 days back
HOSTILE = "<script>alert(1)</script> & *fed* [link](x)"
ASKERS = {"slack:U1": "Anna Holm", "slack:U2": "Bo Berg", "slack:U3": "Carl Dam",
          "slack:U4": "Dorte Ek", "slack:U5": "Eva Fisk", "slack:U6": "Finn Gran",
          "slack:U7": "Gitte Hald", "slack:U8": "Hans Iversen"}  # fmt: skip


def ago(days: float) -> datetime:
    return AT - timedelta(days=days)


SOLUTIONS = [
    make_solution("opstart", title="Opstartsteam i hjemmeplejen", organization="Aarhus Kommune",
                  sponsors=["KL"]),
    make_solution("hostile", title=HOSTILE, summary="Et <b>resumé</b>",
                  organization="Vejle Kommune", sponsors=["Socialstyrelsen"],
                  contacts=[{"name": "Kim <Berg>", "role": "", "slack_id": "UKIM"}]),
    make_solution("stille", title="Stille løsning", sponsors=["KL"]),  # nothing new in the period
    make_solution("andet-omraade", title="Åbningstider i dagtilbud", domains=["dagtilbud"],
                  sponsors=["KL"]),
    make_solution("udgaaet", title="Udgået løsning", retired=True),
]  # fmt: skip


async def stored_area(store: Store, *, at: datetime = AT) -> None:
    """Ældrepleje over the 30 days before `at`: what spread, what came before, and elsewhere."""

    def ago(days: float) -> datetime:
        return at - timedelta(days=days)

    await store.solutions.upsert_many(SOLUTIONS)
    local = {"metric": "Ventetid på visitation", "before": 10, "after": 4, "unit": "dage",
             "period": "2026", "source": ""}  # fmt: skip

    def adoption(
        key: str, solution: str, org: str, stage: Stage, days: float, **more: object
    ) -> Adoption:
        return Adoption(id=key, solution_id=solution, user=f"slack:{key}", user_name=f"Navn {key}",
                        organization=org, stage=stage, updated_at=ago(days),
                        **more)  # type: ignore[arg-type]  # fmt: skip

    await store.adoptions.upsert_many(
        [
            adoption("a-vejle", "opstart", "Vejle Kommune", Stage.PILOTING, 10),
            adoption("a-odense", "opstart", "Odense Kommune", Stage.ADOPTED, 5,
                     local_result=local, measured_at=ago(5)),  # its result held there
            adoption("a-own", "opstart", "Aarhus Kommune", Stage.ADOPTED, 3),  # its own
            adoption("a-horsens", "opstart", "Horsens Kommune", Stage.INTERESTED, 2),  # no use
            adoption("a-randers", "opstart", "Randers Kommune", Stage.ADOPTED, 60),  # before
            adoption("a-elsewhere", "andet-omraade", "Kolding Kommune", Stage.ADOPTED, 1),
            adoption("a-retired", "udgaaet", "Kolding Kommune", Stage.ADOPTED, 1),
        ]
    )  # fmt: skip
    await store.adaptations.upsert_many(
        [
            Adaptation(id="t-new", solution_id="opstart", organization="Odense Kommune",
                       unit="Vest", text="Natteamet tager *første* besøg", manager_id="p-bo",
                       created_at=ago(4)),
            Adaptation(id="t-old", solution_id="opstart", organization="Esbjerg Kommune",
                       text="gammel tilpasning", created_at=ago(90)),
        ]
    )  # fmt: skip
    await store.solution_versions.upsert_many(
        [
            SolutionVersion(id=f"{s.id}/1", solution_id=s.id, number=1, action="import", by="cli",
                            at=ago(3) if s.id == "hostile" else ago(200))
            for s in SOLUTIONS
        ]
    )  # fmt: skip

    def asked(key: str, question: str, asker: str, *, days: float = 2, **more: object) -> Demand:
        return Demand(id=key, question=question, asker=asker, asker_name=ASKERS[asker],
                      asked_at=ago(days), **more)  # type: ignore[arg-type]  # fmt: skip

    await store.demand.upsert_many(
        [
            asked("d1", "Hvordan får vi flere hænder i ældreplejen?", "slack:U1"),
            asked("d2", "hvordan får vi flere hænder i ældreplejen", "slack:U2"),
            asked("d3", "Hvordan får vi flere hænder i ældreplejen?", "slack:U1", days=1),
            asked("d4", "Hvordan får vi flere hænder i ældreplejen?", "slack:U8", days=60),
            # near misses: Spred showed one of the area's solutions, and it did not answer
            asked("d5", "Hvem dækker nattevagter?", "slack:U3", rejected=("opstart",),
                  near_miss=True),
            asked("d6", "Hvem dækker nattevagter?", "slack:U4", rejected=("opstart",),
                  near_miss=True),
            asked("d7", "Ældreplejen ring til mig på 12 34 56 78", "slack:U5"),
            asked("d8", "Ældreplejen ring til mig på 12 34 56 78", "slack:U6"),
            asked("d9", "Min mor Gitte i ældreplejen græder om natten", "slack:U7"),
            asked("d10", "Ældreplejen og nøglebokse", "slack:U1", status=DemandStatus.ANSWERED),
            asked("d11", "Ældreplejen og nøglebokse", "slack:U2", status=DemandStatus.ANSWERED),
            asked("d12", "Åbningstider i dagtilbud om sommeren", "slack:U1"),
            asked("d13", "Åbningstider i dagtilbud om sommeren", "slack:U2"),
        ]
    )  # fmt: skip


def subject(found: Subject | Unknown) -> Subject:
    assert isinstance(found, Subject), found
    return found


async def test_a_topic_gives_what_spread_in_the_period_and_its_shareable_questions(
    store: Store,
) -> None:
    await stored_area(store)
    area = subject(topic_subject("AEldrepleje", SOLUTIONS))
    open_demand = await store.demand.find(status=DemandStatus.OPEN)
    letter = await gather(store, SOLUTIONS, area, days=30, at=AT, demand=open_demand)

    assert [s.solution.id for s in letter.solutions] == ["opstart", "hostile"]
    opstart, hostile = letter.solutions
    # Vejle and Odense began; Aarhus is its own, Horsens only interested, Randers before.
    assert opstart.organisations == ("Vejle Kommune", "Odense Kommune")
    assert [a.id for a in opstart.adaptations] == ["t-new"]
    assert (opstart.repeated, opstart.repeated_now, opstart.new) == (1, 1, False)
    assert (hostile.new, hostile.weight) == (True, 0)
    assert [(q.question, q.count) for q in letter.questions] == [
        ("Hvordan får vi flere hænder i ældreplejen?", 3),
        ("Hvem dækker nattevagter?", 2),
    ]

    # A longer period reaches back to Randers and the old adaptation, and the oldest asking.
    longer = await gather(store, SOLUTIONS, area, days=100, at=AT, demand=open_demand)
    assert longer.solutions[0].organisations == (
        "Randers Kommune", "Vejle Kommune", "Odense Kommune"
    )  # fmt: skip
    assert len(longer.solutions[0].adaptations) == 2
    assert longer.questions[0].count == 4


async def test_a_sponsors_portfolio_is_matched_folded_and_asks_only_by_near_misses(
    store: Store,
) -> None:
    await stored_area(store)
    kl = subject(sponsor_subject(" kl ", SOLUTIONS))
    assert kl.name == "KL"
    demand = await store.demand.find(status=DemandStatus.OPEN)
    letter = await gather(store, SOLUTIONS, kl, days=30, at=AT, demand=demand)
    assert [s.solution.id for s in letter.solutions] == ["opstart", "andet-omraade"]
    assert [q.question for q in letter.questions] == ["Hvem dækker nattevagter?"]
    missed = sponsor_subject("Socialstyrelsn", SOLUTIONS)
    assert missed == Unknown(meant=("Socialstyrelsen",))
    assert topic_subject("ældreplej", SOLUTIONS) == Unknown(meant=("ældrepleje",))


async def test_both_renderings_escape_the_stores_text_and_name_nobody_who_asked(
    store: Store,
) -> None:
    await stored_area(store)
    area = subject(topic_subject("ældrepleje", SOLUTIONS))
    demand = await store.demand.find(status=DemandStatus.OPEN)
    letter = await gather(store, SOLUTIONS, area, days=30, at=AT, demand=demand)
    url = "https://spred.eksempel.dk"
    fragment = html_fragment(letter, language="da", public_url=url)
    text = markdown(letter, language="da", public_url=url)

    for rendered in (fragment, text):
        for asker, name in ASKERS.items():
            assert asker not in rendered
            assert name not in rendered
        assert "Navn a-" not in rendered  # who reported an adoption
        assert "p-bo" not in rendered
        assert "12 34 56 78" not in rendered
        assert "Min mor" not in rendered
        assert "nøglebokse" not in rendered
        assert "dagtilbud om sommeren" not in rendered
        assert "<script>" not in rendered
        assert "Kan dine medlemmer svare?" in rendered
        assert f"{url}/l/opstart" in rendered
        assert "2 organisationer er i perioden gået i gang med den: Vejle Kommune og " \
               "Odense Kommune" in rendered  # fmt: skip
        assert "Resultatet er gentaget ét sted mere" in rendered
        assert "Ny i Spred" in rendered
        assert "spurgt 3 gange" in rendered

    # HTML: the title is text, the only tags Spred's own, its links Spred's page or a mailto.
    assert f"<h3>{html.escape(HOSTILE)}</h3>" in fragment
    assert "Et &lt;b&gt;resumé&lt;/b&gt;" in fragment
    assert set(re.findall(r"</?([a-z0-9]+)", fragment)) <= {
        "section", "h2", "h3", "p", "em", "strong", "br", "article", "ul", "li", "a"
    }  # fmt: skip
    assert re.findall(r'href="([^"]*)"', fragment) == [
        "mailto:mette.hansen@odense.eksempel.dk", f"{url}/l/opstart", f"{url}/l/hostile"
    ]  # fmt: skip
    assert "Tilpasset i Vest i Odense Kommune: Natteamet tager *første* besøg" in fragment

    # Markdown: the same title shows literally, neither HTML nor emphasis nor a link.
    assert f"### {md(HOSTILE)}" in text
    assert md(HOSTILE) == r"&lt;script&gt;alert(1)&lt;/script&gt; &amp; \*fed\* \[link\](x)"
    # …and a summary that would begin a list or a rule where a line starts does not
    assert [md(t) for t in ("- en", "1. to", "3) tre", "+ fire", "2026 blev godt")] == [
        r"\- en", r"1\. to", r"3\) tre", r"\+ fire", "2026 blev godt"
    ]  # fmt: skip
    assert "Kontaktperson: Kim &lt;Berg&gt;\n" in text  # no e-mail published: none shown
    assert "<mette.hansen@odense.eksempel.dk>" in text
    assert f"[Læs mere](<{url}/l/opstart>)" in text
    assert "Natteamet tager \\*første\\* besøg" in text

    english = markdown(letter, language="en", public_url="")
    assert "Can your members answer?" in english
    assert "/l/" not in english
    assert "2 organisations took it up in the period" in english


async def test_at_most_ten_solutions_the_most_spread_first(store: Store) -> None:
    many = [
        make_solution(f"s{n:02d}", title=f"Løsning {n:02d}", organization="Aarhus Kommune")
        for n in range(MAX_SOLUTIONS + 3)
    ]
    await store.solutions.upsert_many(many)
    await store.adoptions.upsert_many(
        [
            Adoption(id=f"a{n}-{k}", solution_id=f"s{n:02d}", user=f"slack:U{k}",
                     organization=f"Kommune {k}", stage=Stage.ADOPTED, updated_at=ago(1))
            for n in range(MAX_SOLUTIONS + 3)
            for k in range(n)
        ]
    )  # fmt: skip
    area = subject(topic_subject("ældrepleje", many))
    letter = await gather(store, many, area, days=30, at=AT)
    assert [s.solution.id for s in letter.solutions] == [
        f"s{n:02d}" for n in range(MAX_SOLUTIONS + 2, 2, -1)
    ]  # s00 spread nowhere; s01 and s02 are the least of those that did


async def test_nothing_new_in_the_period_is_an_empty_newsletter() -> None:
    store = MemoryStore()
    await store.open()
    solutions: list[Solution] = [make_solution()]
    await store.solutions.upsert_many(solutions)
    await store.adoptions.upsert(
        Adoption(id="a", solution_id=solutions[0].id, user="slack:U1", organization="Vejle",
                 stage=Stage.ADOPTED, updated_at=ago(31))
    )  # fmt: skip
    area = subject(topic_subject("ældrepleje", solutions))
    letter = await gather(store, solutions, area, days=30, at=AT)
    assert letter.empty
    assert not (await gather(store, solutions, area, days=31, at=AT)).empty
