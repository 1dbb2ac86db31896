"""Connector clients made once per service, not once per message, and a faster way to
turn the replies they send into JSON.

botbuilder makes a new ConnectorClient for every reply, and building one costs msrest
several milliseconds of pure CPU (its retry configuration alone scans a thousand status
codes), which under a burst of messages holds up the whole event loop. The clients are
safe to reuse: they keep no per-conversation state, and their credentials refresh their
own tokens.

msrest serialises an outgoing activity by deserialising it into models and serialising it
back, walking every node of every Adaptive Card: about 6 ms a reply. `wire` writes the
same JSON directly (tests/test_teams.py compares the two on real replies). Every client
Spred's adapter uses goes through `_Reused`, so every activity it sends takes this way:
msrest itself could not send cards.py's CardContent, which it does not know as a dict.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from enum import Enum
from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from msrest.serialization import Model, Serializer

KEPT = 64  # services (Teams has a handful per region); the oldest unused goes first


class _Reused(ConnectorFactory):
    def __init__(
        self,
        inner: ConnectorFactory,
        clients: OrderedDict[tuple[str, ...], ConnectorClient],
        app_id: str,
    ) -> None:
        self.inner = inner
        self.clients = clients
        self.app_id = app_id

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self.app_id, service_url, audience or "")
        client = self.clients.get(key)
        if client is None:
            client = _faster(await self.inner.create(service_url, audience))  # type: ignore[arg-type]
            self.clients[key] = client
            while len(self.clients) > KEPT:
                self.clients.popitem(last=False)
        self.clients.move_to_end(key)
        return client


def wire(value: Any) -> Any:
    """An outgoing activity as the JSON msrest would send: attributes under their wire
    names, unset ones left out, plain dicts (card content) as they are."""
    if isinstance(value, Model):
        out = {}
        for attribute, spec in value._attribute_map.items():
            item = getattr(value, attribute, None)
            if item is not None:
                out[spec["key"]] = (
                    Serializer.serialize_iso(item) if spec["type"] == "iso-8601" else wire(item)
                )
        return out
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return Serializer.serialize_iso(value)
    return value


class _WireSerializer(Serializer):
    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if data_type == "Activity" and isinstance(data, Activity):
            return wire(data)
        return super().body(data, data_type, **kwargs)


def _faster(client: ConnectorClient) -> ConnectorClient:
    # The operations keep their own serializer; only activities take the short way.
    client.conversations._serialize = _WireSerializer(client.conversations._serialize.dependencies)
    return client


class ReusedConnectorsAuthentication(ConfigurationBotFrameworkAuthentication):
    """botbuilder's authentication from configuration, handing out reused clients: for
    replies in a turn, for proactive messages, and the per-turn user token client."""

    def __init__(self, configuration: object) -> None:
        super().__init__(configuration)
        self._clients: OrderedDict[tuple[str, ...], ConnectorClient] = OrderedDict()
        self._token_clients: dict[str, UserTokenClient] = {}

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = super().create_connector_factory(claims_identity)
        return _Reused(inner, self._clients, _app_of(claims_identity))

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            app = _app_of(result.claims_identity)
            result.connector_factory = _Reused(result.connector_factory, self._clients, app)
        return result

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app = _app_of(claims_identity)
        if app not in self._token_clients:
            self._token_clients[app] = await super().create_user_token_client(claims_identity)
        return self._token_clients[app]


def _app_of(identity: ClaimsIdentity | None) -> str:
    claims = identity.claims if identity is not None and identity.claims else {}
    return str(claims.get("appid") or claims.get("azp") or claims.get("aud") or "")
