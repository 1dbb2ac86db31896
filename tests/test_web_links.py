"""Answers in the chat link to each solution's page on the web (`/l/<id>`) when Spred has an
address (SPRED_PUBLIC_URL): the core puts the link on the cards, Slack links the title,
Teams adds a button that opens it, the terminal prints it. Without an address, no link."""

from __future__ import annotations

from pathlib import Path

from adapters.console import Renderer
from adapters.slack.blocks import message
from adapters.teams.cards import solution_card
from bot.config import Settings
from bot.core import Core
from bot.messages import Card, Incoming, Reply
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.store import MemoryStore
from tests.conftest import Clock

QUESTION = "ventetid på første besøg i hjemmeplejen"
PAGE = "https://spred.odense.eksempel.dk/l/hurtig-opstart-i-hjemmeplejen"
TITLE = "Opstartsteam sikrer hjemmehjælp inden for et døgn"


async def _answer(tmp_path: Path, lexicon: Lexicon, clock: Clock, public_url: str) -> Reply:
    store = MemoryStore()
    await store.open()
    await store.solutions.upsert_many(demo_solutions())
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    settings = Settings(data_dir=tmp_path / "data", public_url=public_url)
    core = Core(kb=kb, settings=settings, clock=clock)
    [reply] = await core.handle(Incoming(platform="console", user_id="anna", text=QUESTION))
    assert reply.cards[0].title == TITLE
    return reply


async def test_cards_link_to_their_page_on_every_platform(
    tmp_path: Path, lexicon: Lexicon, clock: Clock
) -> None:
    reply = await _answer(tmp_path, lexicon, clock, "https://spred.odense.eksempel.dk")
    card = reply.cards[0]
    assert card.link == PAGE
    _, blocks = message(reply)
    assert blocks[1]["text"]["text"].startswith(f"*<{PAGE}|{TITLE}>*\n")
    actions = solution_card(card, "da").content["actions"]
    assert actions[-1] == {"type": "Action.OpenUrl", "title": "Se den på nettet", "url": PAGE}
    assert PAGE in Renderer().render([reply])


async def test_without_an_address_no_card_links(
    tmp_path: Path, lexicon: Lexicon, clock: Clock
) -> None:
    reply = await _answer(tmp_path, lexicon, clock, "")
    assert [c.link for c in reply.cards] == ["", "", ""]
    _, blocks = message(reply)
    assert blocks[1]["text"]["text"].startswith(f"*{TITLE}*\n")
    actions = solution_card(reply.cards[0], "da").content["actions"]
    assert [a["type"] for a in actions] == ["Action.Submit", "Action.Submit"]
    assert "/l/" not in Renderer().render([reply])


def test_a_linked_title_stays_text_in_slack() -> None:
    hostile = Card(
        solution_id="x",
        title="<https://evil.example|klik> & *fed*",
        summary="<!channel>",
        result="",
        origin="",
        contact="",
        status="",
        link="https://spred.odense.eksempel.dk/l/x",
    )
    _, blocks = message(Reply(cards=(hostile,)))
    text = blocks[0]["text"]["text"]
    assert text == (
        "*<https://spred.odense.eksempel.dk/l/x|&lt;https://evil.example|klik&gt; &amp; *fed*>*"
        "\n&lt;!channel&gt;"
    )
