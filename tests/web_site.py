"""A running Spred with its web pages, over real loopback HTTP, for the web's HTTP and
browser tests: the demo knowledge base, a solution with a hostile title, and adoptions
whose reporters must never show on a public page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.server import build_app
from knowledge.kb import demo_solutions
from knowledge.records import Adoption, Stage
from knowledge.store import open_store
from tests.conftest import make_solution

HOSTILE_ID = "ondsindet-titel"
HOSTILE_TITLE = "<script>alert(1)</script> Mindre madspild i skolekøkkenet"
HOSTILE = make_solution(
    HOSTILE_ID,
    title=HOSTILE_TITLE,
    summary="Skolekøkkenet vejer madspildet hver dag <b>og</b> justerer indkøbet.",
    problem="Meget mad blev smidt ud i skolekøkkenet.",
    tags=["madspild", "skolekøkken"],
    domains=["skole"],
    results=[
        {
            "metric": "Madspild pr. dag",
            "before": 40,
            "after": 12,
            "unit": "kg",
            "period": "2024",
            "source": "Køkkenets egne vejninger",
        }
    ],
)
ADOPTER = "Vejle Kommune"
REPORTER = "Hemmelig Reporter"  # who said Vejle uses it: never on a public page
DEMO_ID = "hurtig-opstart-i-hjemmeplejen"
DEMO_TITLE = "Opstartsteam sikrer hjemmehjælp inden for et døgn"


async def fill(data: Path, *, database: str | None = None) -> None:
    store = await open_store(data, database=database)
    try:
        await store.solutions.upsert_many([*demo_solutions(), HOSTILE])
        await store.adoptions.upsert(
            Adoption(
                id="a1",
                solution_id=DEMO_ID,
                user="slack:UHEMMELIG",
                user_name=REPORTER,
                organization=ADOPTER,
                unit="Hjemmeplejen Nord",
                stage=Stage.ADOPTED,
                updated_at=datetime(2026, 3, 4, tzinfo=UTC),
            )
        )
    finally:
        await store.close()


@asynccontextmanager
async def web_site(
    data: Path,
    *,
    environ: Mapping[str, str] = {},
    database: str | None = None,
    admins: frozenset[str] = frozenset(),
    public_url: str = "",
) -> AsyncIterator[TestServer]:
    """Spred serving `data` (filled by `fill`) on a loopback port; Teams off."""
    settings = Settings(data_dir=data, database_url=database, admins=admins, public_url=public_url)
    app = build_app(settings, environ={"SPRED_TEAMS": "off", **environ})
    async with TestServer(app, host="127.0.0.1") as server:
        yield server
