"""Pages shared by the tests of the record formats and the engines' adapters (Parquet,
datatrove, datasets, NeMo Curator): the seed texts and one small HTML news page with a
menu, an article and a footer."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_PATHS = sorted((ROOT / "seeds").glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEED_PATHS]
BUDGET_HTML = ("<!doctype html><html><head><title>Council approves budget</title></head><body>"
               "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>Council approves budget</h1>"
               "<p>The city council approved the budget on Tuesday after a long debate about schools and roads.</p>"
               "<p>It passed by a single vote after the mayor spoke in favour of the plan, he said.</p></article>"
               "<footer>Share this article on Facebook</footer></body></html>")
