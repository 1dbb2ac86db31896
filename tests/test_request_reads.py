"""No request reads a whole collection (issue 15): a question, an answer's buttons, App Home,
a manager answering a prompt and a local admin's listings ask the store for what they need
(`find`, `get` on declared fields), on every backend, so they cost the same with a hundred
thousand adoptions stored as with ten (benchmarks/store_bench.py measures it)."""

from __future__ import annotations

from collections.abc import Iterator, Set
from contextlib import contextmanager
from typing import Any

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from bot import feeds
from bot.core import Core
from bot.messages import reply_from_dict
from bot.server import KNOWLEDGE, SETTINGS
from knowledge.records import Adaptation, Adoption, Interest, Nudge, Person, Stage
from knowledge.store import Store
from tests.conftest import Clock
from tests.dialogue import Chat, Inbox

QUESTION = "ventetid hjemmepleje opstart"
SOLUTION = "hurtig-opstart-i-hjemmeplejen"  # Aarhus Kommune's, in the demo knowledge base
AARHUS = "slack:TAAR"
STAFF = [
    Person(id="bo", name="Bo Leder", organization="Odense Kommune", unit="Vest"),
    Person(id="anna", name="Anna Holm", organization="Odense Kommune", unit="Vest",
           manager_id="bo"),
    Person(id="carl", name="Carl Berg", organization="Odense Kommune", unit="Vest",
           manager_id="bo"),
    Person(id="lars", name="Lars Leder", organization="Aarhus Kommune", slack_id="ULARS1"),
]  # fmt: skip
LET_THROUGH: frozenset[str] = frozenset()  # every collection is watched


@contextmanager
def whole_reads(store: Store, let_through: Set[str] = LET_THROUGH) -> Iterator[list[str]]:
    """Every collection's `all` records its name instead of reading, while the block runs."""
    read: list[str] = []
    for name, collection in store.collections.items():
        if name in let_through:
            continue

        async def refused(*, name: str = name) -> list[Any]:
            read.append(name)
            raise AssertionError(f"{name}.all() read on a request's path")

        collection.all = refused  # type: ignore[method-assign]
    try:
        yield read
    finally:
        for collection in store.collections.values():
            vars(collection).pop("all", None)


async def _stored_elsewhere(store: Store) -> None:
    """What other organisations did with this and other solutions: the records a question
    used to read in full."""
    await store.people.upsert_many(STAFF)
    await store.adoptions.upsert_many(
        [
            Adoption(id=f"a{n}", solution_id=f"other-{n % 7}", user=f"slack:U{n}",
                     organization=f"Kommune {n}", stage=Stage.ADOPTED)
            for n in range(40)
        ]
        + [Adoption(id="vejle", solution_id=SOLUTION, user="slack:UV", organization="Vejle",
                    stage=Stage.PILOTING)]
    )  # fmt: skip
    await store.adaptations.upsert_many(
        [
            Adaptation(id=f"t{n}", solution_id=f"other-{n % 7}", organization=f"Kommune {n}",
                       text="lokalt")
            for n in range(40)
        ]
    )  # fmt: skip
    await store.interests.upsert_many(
        [Interest(id=f"i{n}", person_id=f"p{n}", solution_id=f"other-{n % 7}", did="details")
         for n in range(40)]
    )  # fmt: skip


async def test_a_question_its_buttons_home_a_managers_answer_and_listings_read_no_collection(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    await _stored_elsewhere(store)
    await core.organisations.installed(AARHUS, name="Aarhus Kommune", installer="slack:UMETTE")
    await store.nudges.upsert(Nudge(id="n-lars", manager_id="lars", solution_id=SOLUTION))
    inbox = Inbox(core, "console")
    anna = chat.as_user(user_id="anna", user_name="Anna Holm", organization="", unit="")
    bo = chat.as_user(user_id="bo", user_name="Bo Leder", organization="", unit="")
    mette = chat.as_user(
        platform="slack", user_id="UMETTE", user_name="Mette", org_id=AARHUS,
        organization="", unit="", conversation="D-UMETTE",
    )  # fmt: skip

    with whole_reads(store) as read:
        await anna.send(QUESTION)
        answer = anna.expect("Opstartsteam")
        card = next(c for c in answer.cards if c.solution_id == SOLUTION)
        assert card.adopters == ("Vejle",)
        await anna.press_on("Opstartsteam", "Kontakt")
        anna.expect("Din leder får også en kort besked")
        await anna.press_on("Opstartsteam", "Mere om løsningen")
        anna.expect("Vi prøver den")
        await anna.press("Vi prøver den")
        anna.expect("Vest i Odense Kommune prøver nu")
        await anna.press("Hvem bruger")
        anna.expect("Vejle")
        await anna.send(QUESTION)
        anna.expect("Opstartsteam")
        await anna.press("Hjalp ikke")
        anna.expect()
        # following (issue 17): by button, typed, listed, stopped, and fewer messages
        await anna.press_on("Opstartsteam", "Mere om løsningen")
        anna.expect("Vi prøver den")
        await anna.press("Følg")
        anna.expect("Du følger nu")
        for said in ("følg skoel", "følger", "stop med at følge skole", "færre beskeder"):
            await anna.send(said)
            anna.expect()
    assert read == []

    # Sending the prompts is the scheduler's work (bot/nudges.py run_due), not a request's.
    assert await core.nudges.run_due() == 1
    await core.outbox.flush()
    assert len(inbox.take(to="console:bo")) == 1
    letter = next(x for x in await store.outbox.all() if x.kind == "nudge-prompt")
    plan = next(a for a in reply_from_dict(letter.reply).actions if a.id == "nudge_plan")

    with whole_reads(store) as read:
        page = await core.home(user="console:bo")
        assert "Påmindelser, der venter på dit svar:" in page.text
        home = await core.home(user="console:anna")
        assert "Opstartsteam" in home.text  # the solution she reported trying
        await bo.act_with(plan)
        bo.expect("1/3: Hvad vil I ændre")
        for said in ("natteamet tager første besøg", "team Vest", "1. december"):
            await bo.send(said)
            bo.expect()
        await mette.send("påmindelser til ledere")
        listed = mette.expect("Påmindelser til ledere", "Lars Leder")
        assert "Bo Leder" not in listed.text
        await mette.send("efterspørgsel")
        mette.expect()
        await mette.send("feedback")
        mette.expect()
        await mette.send("sæt Lars' leder til Lars")
        mette.expect()
    assert read == []

    clock.advance(days=14, hours=1)  # the plan's follow-up is due
    assert await core.nudges.run_due() == 1
    await core.outbox.flush()
    follow_up = next(x for x in await store.outbox.all() if x.kind == "nudge-follow-up")
    report = next(a for a in reply_from_dict(follow_up.reply).actions if a.id == "nudge_report")
    opt_out = next(a for a in reply_from_dict(letter.reply).actions if a.id == "nudge_opt_out")

    with whole_reads(store) as read:
        await bo.act_with(report)
        bo.expect("Hvad tilpassede I")
        await bo.send("natteamet tager første besøg; ventetiden faldt")
        bo.expect("Det her står nu under løsningen")
        bo.expect("Målte I noget?")  # the unit's own figures: read by solution, never whole
        await bo.press("Ja, vi har målt")
        bo.expect("1/3")
        for said in ("4,8", "1", "2026"):
            await bo.send(said)
            bo.expect()
        await bo.act_with(opt_out)
        bo.expect()
    assert read == []
    [adoption] = await store.adoptions.find(solution_id=SOLUTION, organization="Odense Kommune")
    assert adoption.stage is Stage.ADOPTED  # piloting already (Anna's), one stage on


async def test_forget_me_asks_for_her_records_where_her_ids_are_kept(
    chat: Chat, core: Core
) -> None:
    store = core.services.store
    await _stored_elsewhere(store)
    anna = chat.as_user(user_id="anna", user_name="Anna Holm", organization="", unit="")
    await anna.send(QUESTION)
    anna.expect("Opstartsteam")
    await anna.press_on("Opstartsteam", "Kontakt")
    anna.expect("Din leder får også en kort besked")
    # Only where she may be named in text or in a list is a collection read whole.
    anywhere = {
        "solutions",
        "solution_versions",  # an earlier version names its contacts too
        "outbox",
        "nudges",
        "organisations",
        "slack_installations",
        "roadshows",  # a roadshow's answers are a map by person inside it (issue 17)
    }
    with whole_reads(store, anywhere) as read:
        await anna.send("glem mig")
        anna.expect("Skal jeg glemme dig?")
        await anna.press("Ja, glem mig")
        anna.expect("Nu har jeg glemt dig", "Hvad du har gjort med løsninger: 1")
    assert read == []
    assert await store.people.get("anna") is None
    assert len(await store.adoptions.all()) == 41  # the others' records stay


async def test_a_topics_feed_reads_no_collection(core: Core) -> None:
    """GET /feeds/<topic>.atom (bot/feeds.py), over HTTP on the route the server mounts: the
    topic is found among the solutions the server holds, and only their records are read."""
    store = core.services.store
    await _stored_elsewhere(store)
    app = web.Application()
    app[KNOWLEDGE] = core.services.kb
    app[SETTINGS] = core.services.settings
    feeds.mount(app, knowledge=KNOWLEDGE, settings=SETTINGS)
    with whole_reads(store) as read:
        async with TestServer(app, host="127.0.0.1") as server, ClientSession() as http:
            async with http.get(server.make_url("/feeds/ældrepleje.atom")) as response:
                assert response.status == 200
                assert "Vejle prøver" in await response.text()
            async with http.get(server.make_url("/feeds/aeldreplej.atom")) as missing:
                assert missing.status == 404
    assert read == []
