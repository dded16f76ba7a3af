"""clean-articles: turn scraped article pages into clean article text, with every change explained."""
from cleaner.model import Block, CleanResult, Hit

__version__ = "0.1.0"
__all__ = ["Block", "CleanResult", "Cleaner", "Hit", "clean", "__version__"]


def __getattr__(name):
    # The pipeline loads rule packs; import it lazily so `import cleaner` stays cheap.
    if name in ("Cleaner", "clean"):
        from cleaner import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
