"""`python -m benchmarks.bare_slack PORT`: the least a Slack endpoint can do (check the
signature, answer 200), for the Slack benchmark to compare Spred's acknowledgements with."""

from __future__ import annotations

import sys

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.slack_mock import SECRET


def main(port: int) -> None:
    verifier = SignatureVerifier(SECRET)

    async def check(request: web.Request) -> web.Response:
        body = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        valid = verifier.is_valid(body, timestamp, request.headers.get("X-Slack-Signature", ""))
        return web.Response(status=200 if valid else 401)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/slack/events", check)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
