"""The weekly digest (bot/digest.py): what is new in what a person follows, at most five
items with their results, none told twice, nothing new nothing sent, on the digest day's
working morning only, in the follower's language, once per week across two instances.
Every backend: the digest's bookkeeping is store records."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.core import Core
from bot.digest import MOST, NOTHING_NEW, SENT_THIS_WEEK
from bot.messages import reply_from_dict
from bot.reach import QUIET, STOPPED
from knowledge.kb import KnowledgeBase
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import Adaptation, Adoption, Stage
from knowledge.solutions import Result
from knowledge.store import Store
from tests.conftest import Clock, make_solution
from tests.dialogue import Chat, Inbox, flat

ANNA = "console:anna"
CARE = ("hurtig-opstart-i-hjemmeplejen", "tillidsbaseret-visitation-i-hjemmeplejen")


def _adoption(n: int, clock: Clock, *, solution: str = CARE[0], **changes: object) -> Adoption:
    adoption = Adoption(
        id=f"{solution}:console:user{n}",
        solution_id=solution,
        user=f"console:user{n}",
        organization=f"Kommune {n}",
        stage=Stage.ADOPTED,
        updated_at=clock.now,
    )
    return replace(adoption, **changes)  # type: ignore[arg-type]


def _published(core: Core) -> list[object]:
    return list(core.services.kb.matcher.published())


async def test_a_digest_tells_what_is_new_at_most_five_never_twice(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await chat.send("følg ældrepleje")
    chat.expect("Du følger nu ældrepleje")
    assert await core.digest_if_due() == 0  # nothing new since the follow
    [planned] = await core.digests.plan(_published(core), at=clock.now)
    assert planned.blocked == NOTHING_NEW

    # The week: seven organisations began using a followed solution, one adapted another,
    # a new solution on elder care was published; and news on a topic not followed.
    for n in range(7):
        clock.advance(hours=1)
        await store.adoptions.upsert(_adoption(n, clock))
    clock.advance(hours=1)
    await store.adaptations.upsert(
        Adaptation(id="a1", solution_id=CARE[1], organization="Vejle Kommune", text="uden ipad",
                   created_at=clock.now)
    )  # fmt: skip
    clock.advance(days=1)
    new = make_solution("ny-aeldrepleje", title="Ny vej i ældreplejen", domains=["Ældrepleje"])
    await core.services.kb.publish([new], by="cli", at=clock.now, action="import")
    await store.adoptions.upsert(_adoption(9, clock, solution="to-voksne-i-klassen-for-inklusion"))

    clock.now = clock.now.replace(day=9, hour=9)  # the next Monday, 10:00 in Copenhagen
    assert await core.digest_if_due() == 1
    [letter] = inbox.take(to=ANNA)
    lines = letter.splitlines()
    assert lines[0] == "Nyt i det, du følger (ældrepleje):"
    items = [line for line in lines if line.startswith("• ")]
    assert len(items) == MOST
    assert items[0] == (
        "• Ny løsning: Ny vej i ældreplejen fra Odense Kommune – "
        "Ventetid på visitation: 14 → 3 dage (2023)"
    )
    assert items[1].startswith("• Vejle Kommune har tilpasset Hjemmeplejen justerer selv")
    assert items[2].startswith("• Kommune 6 bruger nu Opstartsteam sikrer")
    assert "→" in items[2]  # each with its measured result
    assert "…og 4 mere" in letter
    assert "Kommune 9" not in letter  # not what they follow
    assert "Færre beskeder" in letter
    assert "Stop" in letter

    assert await core.digest_if_due() == 0  # once a week, also looked for again
    assert await core.digests.send(_published(core), at=clock.now) == []
    [planned] = await core.digests.plan(_published(core), at=clock.now)
    assert planned.blocked == SENT_THIS_WEEK

    # The week after: one place tries it and measures it; what was told is not told again.
    clock.advance(days=1)
    measured = Result(metric="Ventetid", before=10, after=3, unit="dage").to_dict()
    await store.adoptions.upsert(
        _adoption(20, clock, stage=Stage.PILOTING, organization="Horsens Kommune",
                  local_result=measured, measured_at=clock.now)
    )  # fmt: skip
    clock.now = clock.now.replace(day=16, hour=9)
    assert await core.digest_if_due() == 1
    [second] = inbox.take(to=ANNA)
    assert [line for line in second.splitlines() if line.startswith("• ")] == [
        "• Horsens Kommune er begyndt at prøve Opstartsteam sikrer hjemmehjælp inden for et døgn – "
        "Ventetid fra henvendelse til første besøg: 4,8 → 0,9 dage (2022–2023)",
        "• Horsens Kommune har selv målt Opstartsteam sikrer hjemmehjælp inden for et døgn: "
        "Ventetid: 10 → 3 dage "
        "(oprindeligt Ventetid fra henvendelse til første besøg: 4,8 → 0,9 dage (2022–2023))",
    ]

    clock.now = clock.now.replace(day=23, hour=9)  # nothing new: nothing sent
    assert await core.digest_if_due() == 0
    assert inbox.take(to=ANNA) == []
    state = await store.digests.get(ANNA)
    assert state is not None
    assert len(state.told) == MOST + 2


async def test_only_on_the_digest_days_working_morning_in_the_followers_language(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await chat.send("english")
    chat.expect()
    await chat.send("follow ældrepleje")
    chat.expect("You now follow ældrepleje")
    bo = chat.as_user(user_id="bo", user_name="Bo")
    await bo.send("følg ældrepleje")
    bo.expect("Du følger nu")
    await bo.send("stop beskeder")
    bo.expect("ingen beskeder")
    clock.advance(hours=1)
    await store.adoptions.upsert(_adoption(1, clock))

    for moment in (
        clock.now.replace(day=9, hour=6),  # Monday, 07:00 in Copenhagen: quiet
        clock.now.replace(day=9, hour=11),  # Monday, noon: the morning is over
        clock.now.replace(day=10, hour=9),  # Tuesday
        clock.now.replace(day=14, hour=9),  # Saturday
    ):
        clock.now = moment
        assert await core.digest_if_due() == 0
    early = clock.now.replace(day=9, hour=6)
    planned = {p.user: p for p in await core.digests.plan(_published(core), at=early)}
    assert planned[ANNA].blocked == QUIET
    assert planned["console:bo"].blocked == STOPPED

    clock.now = clock.now.replace(day=16, hour=8)  # Monday 09:00
    assert await core.digest_if_due() == 1
    [letter] = inbox.take(to=ANNA)
    assert letter.startswith("News in what you follow (ældrepleje):\n• Kommune 1 now uses")
    assert "4.8 → 0.9" in letter
    assert "Fewer messages" in letter
    assert inbox.take(to="console:bo") == []


async def test_two_instances_send_one_digest_and_spend_one_slot(
    chat: Chat, core: Core, clock: Clock, other: Store, lexicon: Lexicon, tmp_path: Path
) -> None:
    await chat.send("følg ældrepleje")
    chat.expect("Du følger nu")
    kb = await KnowledgeBase.load(other, matcher=Matcher(lexicon=lexicon))
    second = Core(kb=kb, settings=Settings(data_dir=tmp_path / "data"), clock=clock)
    clock.advance(hours=1)
    await core.services.store.adoptions.upsert(_adoption(1, clock))
    clock.now = clock.now.replace(day=9, hour=9)
    await asyncio.gather(
        core.digests.send(_published(core), at=clock.now),
        second.digests.send(_published(second), at=clock.now),
    )
    letters = await core.services.store.outbox.find(to=ANNA)
    assert [letter.id for letter in letters] == [f"digest-{ANNA}-2026-W46"]
    assert "Kommune 1 bruger nu" in flat_letter(letters[0].reply)
    reach = await core.services.store.reach.get(ANNA)
    assert reach is not None
    assert list(reach.spent) == [f"digest-{ANNA}-2026-W46"]
    assert await second.digests.send(_published(second), at=clock.now) == []


def flat_letter(reply: dict[str, object]) -> str:
    return flat(reply_from_dict(reply))


def test_the_digest_day_is_a_working_day_named_in_danish_or_english(tmp_path: Path) -> None:
    assert Settings.from_env({}).digest_day == 0
    assert Settings.from_env({"SPRED_DIGEST_DAY": "Onsdag"}).digest_day == 2
    assert Settings.from_env({"SPRED_DIGEST_DAY": " friday "}).digest_day == 4
    for wrong in ("søndag", "saturday", "3", "mondays"):
        with pytest.raises(ConfigError, match="SPRED_DIGEST_DAY must be a working day"):
            Settings.from_env({"SPRED_DIGEST_DAY": wrong})
