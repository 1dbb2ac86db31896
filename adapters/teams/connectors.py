"""Connector clients made once per service, not once per message, sending over aiohttp,
and a faster way to turn the replies they send into JSON.

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

msrest sends through `requests` on worker threads by default, which under load fight the
event loop for the GIL; the reused clients send with aiohttp on the loop instead, and fetch
their token (synchronous in botframework) on a thread.

Incoming tokens: botframework fetches the signing keys with `requests` on the event loop,
without a timeout, and answers a token it cannot verify with whatever exception it hit (a
DecodeError, an IndexError for an unknown key id, a bare Exception): a 500 either way. Here
a token is checked for its shape first (`inbound.well_formed_token`: a malformed one costs
no fetch), the keys are fetched with aiohttp, and every failure is a PermissionError (401),
except keys that cannot be had right now (`SigningKeysUnavailable`: 503, so Bot Framework
sends the activity again).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import datetime
from enum import Enum
from typing import Any

import aiohttp
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata
from msrest.pipeline import AsyncHTTPPolicy, AsyncPipeline
from msrest.pipeline.aiohttp import AioHTTPSender
from msrest.pipeline.universal import RawDeserializer
from msrest.serialization import Model, Serializer
from msrest.universal_http.aiohttp import AioHttpClientResponse
from msrest.universal_http.aiohttp import AioHTTPSender as AioHTTPDriver

from adapters.teams.inbound import well_formed_token

SEND_TIMEOUT = 20  # seconds for one call to the connector
KEYS_TIMEOUT = 10  # seconds to fetch Bot Framework's signing keys
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
            client = _faster(await self.inner.create(service_url, audience))
            self.clients[key] = client
            while len(self.clients) > KEPT:
                _, oldest = self.clients.popitem(last=False)
                await _close(oldest)
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


class _AioHTTPDriver(AioHTTPDriver):
    """msrest's aiohttp driver, sending the body and headers (its own leaves them out)."""

    def __init__(self) -> None:  # the parent passes aiohttp a `loop`, which it no longer takes
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT))

    async def send(self, request: Any, **config: Any) -> AioHttpClientResponse:
        result = await self._session.request(
            request.method, request.url, data=request.data, headers=dict(request.headers)
        )
        response = AioHttpClientResponse(request, result)
        await response.load_body()
        return response


class _Bearer(AsyncHTTPPolicy):
    """The Bot Framework token on each request, fetched off the event loop (botframework's
    credentials fetch and cache it synchronously); none in the Emulator's anonymous mode."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self.credentials = credentials

    async def send(self, request: Any, **kwargs: Any) -> Any:
        credentials = self.credentials
        if credentials is not None and credentials._should_set_token(None):
            token = await asyncio.to_thread(credentials.get_access_token)
            request.http_request.headers["Authorization"] = f"Bearer {token}"
        if self.next is None:  # msrest always chains a sender after a policy
            raise RuntimeError("a Bot Framework request policy with nothing to send to")
        return await self.next.send(request, **kwargs)


def _faster(client: ConnectorClient) -> ConnectorClient:
    # The operations keep their own serializer; only activities take the short way.
    client.conversations._serialize = _WireSerializer(client.conversations._serialize.dependencies)
    # msrest's default sends through `requests` on worker threads, which fight the event
    # loop for the GIL under load; aiohttp sends on the loop itself.
    config = client.config
    config.pipeline = AsyncPipeline(
        [
            config.user_agent_policy,
            _Bearer(config.credentials),
            RawDeserializer(),
            config.http_logger_policy,
        ],
        AioHTTPSender(_AioHTTPDriver()),
    )
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
        """botbuilder's authentication, failing only with PermissionError (the request is
        refused) or SigningKeysUnavailable (it may be sent again)."""
        if auth_header and not well_formed_token(auth_header):
            raise PermissionError("the Authorization header is no Bot Framework token")
        try:
            result = await super().authenticate_request(activity, auth_header)
        except (PermissionError, SigningKeysUnavailable):
            raise
        except Exception as exc:  # botframework's ways of saying the token is not valid
            raise PermissionError("the token is not valid") from exc
        if result.connector_factory is not None:
            app = _app_of(result.claims_identity)
            result.connector_factory = _Reused(result.connector_factory, self._clients, app)
        return result

    async def close(self) -> None:
        """Closes the connections the reused clients keep open."""
        while self._clients:
            _, client = self._clients.popitem()
            await _close(client)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app = _app_of(claims_identity)
        if app not in self._token_clients:
            self._token_clients[app] = await super().create_user_token_client(claims_identity)
        return self._token_clients[app]


class SigningKeysUnavailable(Exception):
    """Bot Framework's signing keys could not be fetched: a token cannot be verified now."""


class _SigningKeys(_OpenIdMetadata):
    """botframework's cache of the keys at one OpenID metadata address (refreshed daily,
    and at most hourly for an unknown key id), fetched with aiohttp instead."""

    async def _refresh(self) -> None:
        try:
            async with aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=KEYS_TIMEOUT)
            ) as session:
                async with session.get(self.url) as response:
                    response.raise_for_status()
                    keys_url = (await response.json(content_type=None))["jwks_uri"]
                async with session.get(keys_url) as response:
                    response.raise_for_status()
                    keys = (await response.json(content_type=None))["keys"]
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            raise SigningKeysUnavailable(f"{type(exc).__name__} from {self.url}") from exc
        if not isinstance(keys, list):
            raise SigningKeysUnavailable(f"no list of keys at {self.url}")
        self.keys = [key for key in keys if isinstance(key, dict)]
        self.last_updated = datetime.now()

    def _find(self, key_id: str) -> Any:
        # None (botframework's own fails with IndexError) lets `get` refresh the keys for a
        # key id it does not know yet, as when Microsoft rolls its keys over.
        if not any(key.get("kid") == key_id for key in self.keys):
            return None
        return super()._find(key_id)


def _signing_keys(metadata_url: str) -> _OpenIdMetadata:
    return JwtTokenExtractor.metadataCache.setdefault(metadata_url, _SigningKeys(metadata_url))


# Every JwtTokenExtractor botframework makes takes its keys from here.
JwtTokenExtractor.get_open_id_metadata = staticmethod(_signing_keys)


async def _close(client: ConnectorClient) -> None:
    await client.config.pipeline.__aexit__(None, None, None)


def _app_of(identity: ClaimsIdentity | None) -> str:
    claims = identity.claims if identity is not None and identity.claims else {}
    return str(claims.get("appid") or claims.get("azp") or claims.get("aud") or "")
