"""A batch of 220 pages for the review report's tests, made from the seeds with variations.

Each page is a seed article with its paragraphs reordered and cruft added (navigation,
ad labels, share lines, a comment section, a link list), cleaned by the real pipeline,
so the report sees the hits, shares and page types a real batch has.
"""
from __future__ import annotations

import random
from pathlib import Path

from cleaner.review.report import ReportWriter

ROOT = Path(__file__).resolve().parent.parent
N_PAGES = 220
NAV = ["Home | World | Business | Sport | Culture", "Menu", "Skip to content", "Sign in | Register"]
CRUFT = ["Advertisement", "Share this article", "Read more", "Sign up for our newsletter",
         "Photo: AFP", "Comments are closed.", "Related stories"]
LINKS = [f"Story number {i} about the region" for i in range(40)]


def pages(n: int = N_PAGES) -> list[tuple[str, str]]:
    """``(name, text)`` of ``n`` varied pages, the same every run."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    out = []
    for k in range(n):
        rng = random.Random(k)
        lines = seeds[k % len(seeds)].read_text(encoding="utf-8").split("\n")
        head, body = lines[:1], [ln for ln in lines[1:] if ln.strip()]
        rng.shuffle(body)
        body = body[: rng.randint(max(3, len(body) // 2), len(body))]
        parts = [rng.choice(NAV), ""] + head + [""]
        for line in body:
            parts += [line, ""]
            if rng.random() < 0.15:
                parts += [rng.choice(CRUFT), ""]
        if k % 9 == 0:  # a listing page: mostly links
            parts += LINKS[: rng.randint(20, 40)]
        if k % 13 == 0:
            parts += ["Comments", ""] + [f"User{i} wrote: I agree with this." for i in range(5)]
        parts += ["", "Copyright 2024. All rights reserved."]
        out.append((f"page-{k:03d}.txt", "\n".join(parts)))
    return out


def build(path: Path, cleaner, n: int = N_PAGES) -> ReportWriter:
    """Clean the pages and write their report to ``path``."""
    writer = ReportWriter(title="220-page test batch")
    for name, text in pages(n):
        result = cleaner.clean(text)
        meta = dict(result.metadata, url=f"https://news.example/{name[:-4]}")
        writer.add(name, result.input_text, result.text, result.hits, result.metadata.get("removed_share", 0.0), meta)
    writer.write(path)
    return writer
