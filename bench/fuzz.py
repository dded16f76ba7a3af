"""A long fuzz run of ``clean()``: N generated documents (scraped text and HTML, from the
strategies of tests/test_fuzz.py), each cleaned, checked for replayable hits, cleaned
again (language pinned or detected again) and timed.

    python bench/fuzz.py --examples 100000

Prints the counts, the slowest clean and, on the first failure (an exception or a
non-idempotent output), hypothesis's shrunk example; exit 1 then.  A clean slower than
--max-seconds is timed again three times after the run (a loaded machine stalls a
process now and then): it fails the run when the fastest of those is still too slow.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from test_fuzz import DOCS, HTML_DOCS, RECLEAN_HTML_IGNORE, _control_share  # noqa: E402
from cleaner.journal.edits import replay  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402
from cleaner.stages.decode import NotTextError  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=100_000)
    ap.add_argument("--max-seconds", type=float, default=1.0, help="slowest clean allowed")
    ap.add_argument("--save", default="fuzz-failure.json",
                    help="where the failing document goes (the shrunk one: the last written), as JSON")
    args = ap.parse_args()
    full, rules_only = Cleaner(), Cleaner(ignore=list(RECLEAN_HTML_IGNORE))
    for c in (full, rules_only):  # load langdetect's profiles and the matchers before timing
        c.clean("Hai người đàn ông đứng trên bờ sông và nhìn những chiếc thuyền cho đến khi trời tối hẳn, "
                "rồi họ cùng nhau đi bộ về làng theo con đường mòn quen thuộc giữa những cánh đồng lúa.")
        c.clean(b"<html><body><p>Warm up the HTML path once.</p></body></html>", html=True)
    seen = {"text": 0, "html": 0, "binary": 0}
    slowest = [0.0, ""]
    slow: list[tuple] = []  # (fn, args, kwargs) of cleans over --max-seconds, timed again later

    def timed(fn, *a, **kw):
        t = time.perf_counter()
        out = fn(*a, **kw)
        took = time.perf_counter() - t
        if took > slowest[0]:
            slowest[:] = [took, repr(a[0])[:120]]
        if took > args.max_seconds:
            slow.append((fn, a, kw))
        return out

    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(doc=st.one_of(DOCS.map(lambda d: ("text", d)), HTML_DOCS.map(lambda d: ("html", d))), pin=st.booleans())
    def check(doc, pin):
        try:
            run_one(doc, pin)
        except Exception:
            with open(args.save, "w", encoding="utf-8") as fh:  # hypothesis ends on the shrunk example
                json.dump({"kind": doc[0], "data": doc[1], "pin": pin}, fh)
            raise

    def run_one(doc, pin):
        kind, data = doc
        if kind == "text":
            first = timed(full.clean, data)
            again = full
        else:
            try:
                first = timed(full.clean, data.encode(), html=True)
            except NotTextError:
                assert _control_share(data.encode()) > 0.05
                seen["binary"] += 1
                return
            again = rules_only
        seen[kind] += 1
        assert replay(first.input_text, first.hits) == first.text
        second = timed(again.clean, first.text, lang=first.language if pin else None)
        assert second.text == first.text, [(h.code, h.before) for h in second.changes]

    started = time.monotonic()
    status = 0
    try:
        check()
    except Exception as exc:  # hypothesis re-raises the shrunk failure
        print(f"FAILED: {type(exc).__name__}: {exc} (the document: {args.save})", file=sys.stderr)
        status = 1
    still_slow = 0
    for fn, a, kw in slow:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            fn(*a, **kw)
            best = min(best, time.perf_counter() - t)
        if best > args.max_seconds:
            still_slow += 1
            print(f"SLOW: {best:.2f} s at best: {a[0]!r:.200}", file=sys.stderr)
    if still_slow:
        status = 1
    total = sum(seen.values())
    print(f"{total} documents ({seen['text']} text, {seen['html']} HTML, {seen['binary']} binary) in "
          f"{time.monotonic() - started:.0f} s: {'a failure' if status else 'no exception, every output idempotent'}; "
          f"slowest clean {slowest[0] * 1000:.0f} ms ({slowest[1]}); {len(slow)} over {args.max_seconds:g} s, "
          f"{still_slow} of them still when timed again")
    return status


if __name__ == "__main__":
    sys.exit(main())
