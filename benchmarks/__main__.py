"""`python -m benchmarks [NAME ...]`: runs the named benchmarks, or all of them.
`matcher-quality` is the matcher's quality alone, without its slow speed part;
`store-history` the store benchmark's question with 100,000 history records alone. The exit
status is 1 when a benchmark found a correctness failure (a message answered twice or never),
never for speed."""

from __future__ import annotations

import sys

from benchmarks import (
    dashboard_bench,
    dialogue_bench,
    instances_bench,
    matcher_bench,
    refresh_bench,
    slack_bench,
    slack_oauth_bench,
    store_bench,
    teams_bench,
)

BENCHMARKS = {
    "matcher": matcher_bench.main,
    "store": store_bench.main,
    "store-postgres": store_bench.report_scale,
    "dialogue": dialogue_bench.main,
    "refresh": refresh_bench.main,
    "slack": slack_bench.main,
    "slack-oauth": slack_oauth_bench.main,
    "teams": teams_bench.main,
    "instances": instances_bench.main,
    # the web dashboard (issue 18)
    "dashboard": dashboard_bench.main,
}
PARTS = {  # named only, never run by default
    "matcher-quality": matcher_bench.report_quality,
    "store-history": store_bench.main_history,  # the store's question-with-history part
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    known = BENCHMARKS | PARTS
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    failed = [name for name in names if known[name]()]  # a benchmark's non-zero status
    if failed:
        print(f"\ncorrectness failures in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":  # worker processes import this module again
    sys.exit(main(sys.argv[1:]))
