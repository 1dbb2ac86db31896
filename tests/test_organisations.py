"""Organisations: remembered from the first verified message, installed with a local admin,
renamed by an admin, matched to solutions' organisation names folded."""

from __future__ import annotations

from bot.core import Core
from bot.messages import Incoming
from bot.organisations import Organisations
from knowledge.records import Organisation
from knowledge.store import Store
from tests.conftest import Clock


async def test_a_message_from_a_new_workspace_remembers_it_once(core: Core, clock: Clock) -> None:
    message = Incoming(platform="slack", user_id="U1", org_id="slack:T1", text="hjælp")
    await core.handle(message)
    first = await core.organisations.get("slack:T1")
    assert first == Organisation(id="slack:T1", platform="slack", installed_at=clock.now)
    version = await core.services.store.organisations.version()
    clock.advance(days=1)
    await core.handle(message)
    assert await core.services.store.organisations.version() == version  # no write


async def test_a_terminal_message_names_no_organisation(core: Core) -> None:
    await core.handle(Incoming(platform="console", user_id="anna", text="hjælp"))
    assert await core.services.store.organisations.count() == 0


async def test_the_installer_becomes_a_local_admin_and_stays_one(
    store: Store, clock: Clock
) -> None:
    orgs = Organisations(store=store, clock=clock)
    await orgs.seen("teams:tenant-a", name="Aarhus Kommune")
    org = await orgs.installed("teams:tenant-a", name="Other", installer="teams:29:mette")
    assert (org.name, org.installer, org.admins) == (
        "Aarhus Kommune",
        "teams:29:mette",
        ("teams:29:mette",),
    )
    again = await orgs.installed("teams:tenant-a", installer="teams:29:bo")
    assert again.admins == ("teams:29:mette", "teams:29:bo")
    assert await orgs.is_local_admin("teams:29:bo", "teams:tenant-a")
    assert not await orgs.is_local_admin("teams:29:bo", "teams:tenant-b")


async def test_a_rename_stands_against_the_platforms_name(store: Store, clock: Clock) -> None:
    orgs = Organisations(store=store, clock=clock)
    await orgs.seen("slack:T9", name="aarhus-ws")
    renamed = await orgs.rename("slack:T9", "Aarhus Kommune")
    assert renamed is not None
    assert renamed.name == "Aarhus Kommune"
    seen = await orgs.seen("slack:T9", name="aarhus-ws")
    assert seen is not None
    assert seen.name == "Aarhus Kommune"
    assert await orgs.rename("slack:T404", "Nobody") is None
    assert await store.organisations.get("slack:T404") is None


def test_names_match_folded() -> None:
    org = Organisation(id="slack:T1", platform="slack", name="Aarhus  Kommune")
    assert Organisations.names(org, "aarhus kommune")
    assert Organisations.names(
        Organisation(id="x:1", platform="x", name="Ærø Kommune"), "AEROE kommune"
    )
    assert not Organisations.names(org, "Odense Kommune")
    assert not Organisations.names(Organisation(id="x:1", platform="x"), "")
