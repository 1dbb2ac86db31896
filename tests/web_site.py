"""A running Spred with its web pages, over real loopback HTTP, for the web's HTTP and
browser tests: the demo knowledge base, a solution with a hostile title, and adoptions
whose reporters must never show on a public page; with `spread`, a solution taken up over
the year before the test clock's day (tests/conftest.py `Clock`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.server import build_app
from knowledge.kb import demo_solutions
from knowledge.records import Adoption, Stage, now
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
SECRET_UNIT = "Den Hemmelige Enhed"  # the unit of those who reported SPREAD: never shown
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


OTHER_ID = "tillidsbaseret-visitation-i-hjemmeplejen"  # taken up in the same months
OLD_ID = "faerre-faldulykker-paa-plejecentre"  # taken up only before the last 12 months
# Who took DEMO_ID (and the others) how far, and when: (solution, organisation, stage, moment).
# With the test clock (2 November 2026) the last 12 months are December 2025 to November 2026.
SPREAD = (
    (DEMO_ID, "Horsens Kommune", Stage.INTERESTED, datetime(2026, 1, 10, 12, tzinfo=UTC)),
    (DEMO_ID, "Kolding Kommune", Stage.INTERESTED, datetime(2026, 1, 20, 12, tzinfo=UTC)),
    # a second person of Horsens: still one organisation that month
    (DEMO_ID, "Horsens Kommune", Stage.INTERESTED, datetime(2026, 1, 25, 12, tzinfo=UTC)),
    # 1 February in Copenhagen, still January in UTC: counted in February
    (DEMO_ID, "Herning Kommune", Stage.PILOTING, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),
    (DEMO_ID, "Viborg Kommune", Stage.PILOTING, datetime(2026, 6, 15, 12, tzinfo=UTC)),
    (DEMO_ID, "Skive Kommune", Stage.ADOPTED, datetime(2026, 6, 20, 12, tzinfo=UTC)),
    (DEMO_ID, "Holstebro Kommune", Stage.INTERESTED, datetime(2026, 10, 5, 12, tzinfo=UTC)),
    (DEMO_ID, "Ringsted Kommune", Stage.ADOPTED, datetime(2025, 11, 15, 12, tzinfo=UTC)),
    (OTHER_ID, "Roskilde Kommune", Stage.ADOPTED, datetime(2026, 3, 10, 12, tzinfo=UTC)),
    (OTHER_ID, "Horsens Kommune", Stage.INTERESTED, datetime(2026, 1, 12, 12, tzinfo=UTC)),
    (OLD_ID, "Greve Kommune", Stage.PILOTING, datetime(2025, 10, 1, 12, tzinfo=UTC)),
)


async def spread(data: Path, *, database: str | None = None) -> None:
    """SPREAD's adoptions, each reported by someone of its organisation."""
    store = await open_store(data, database=database)
    try:
        await store.adoptions.upsert_many(
            [
                Adoption(
                    id=f"s{n}",
                    solution_id=solution_id,
                    user=f"slack:US{n}",
                    user_name=f"{REPORTER} {n}",
                    organization=organisation,
                    unit=SECRET_UNIT,
                    stage=stage,
                    updated_at=moment,
                )
                for n, (solution_id, organisation, stage, moment) in enumerate(SPREAD)
            ]
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
    clock: Callable[[], datetime] = now,
) -> AsyncIterator[TestServer]:
    """Spred serving `data` (filled by `fill`) on a loopback port; Teams off."""
    settings = Settings(data_dir=data, database_url=database, admins=admins, public_url=public_url)
    app = build_app(settings, environ={"SPRED_TEAMS": "off", **environ}, clock=clock)
    async with TestServer(app, host="127.0.0.1") as server:
        yield server
