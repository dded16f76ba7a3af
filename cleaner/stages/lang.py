"""Language of a document: cheap stopword evidence first, seeded langdetect when unsure."""
from __future__ import annotations

import re
import threading

from cleaner.rules.stopwords import stopword_languages, stopwords  # noqa: F401 (re-exported)

_WORD = re.compile(r"[^\W\d_]+")
SAMPLE_CHARS = 1500
# The stopword share of prose is about 0.4 in the languages we ship lists for; when one
# language clearly leads at or above this share, langdetect (6-8 ms) is not needed.
FAST_PATH_SHARE = 0.25
FAST_PATH_LEAD = 0.08
# The floor on the stopword vote's evidence: the leading language needs this many of its
# stopwords in the sample, this many different ones, and this many more than the runner-up.
# Below it the vote decides nothing: a page of 26 words of no list, "j" among them five
# times (French "j'"), read as French by shares alone, and its cleaned text, one line
# shorter, as something else.
MIN_VOTE_STOPWORDS = 3
MIN_VOTE_DISTINCT = 2
MIN_VOTE_MARGIN = 2
# Fewer letters than this in the sample: too little to tell the language.
MIN_LETTERS = 30
# Fewer letters than this and no clear stopword evidence: langdetect's guess from a few
# dozen letters flips when one cruft line goes ("Advertisement" made a two-line page
# German), so cleaning the output would apply other rules: "und" instead.
MIN_GUESS_LETTERS = 100
# Literal escapes left by a JSON-encoded string ("\\n\\t", "\\u00e9") are not words, and
# their letters voted: "n" and "t" are French stopwords (n', t'), and the repairs that
# remove the escapes then left the output to be read in another language.
_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[ntr])")


def without_escapes(text: str) -> str:
    """``text`` with literal escapes as spaces (for reading its language only)."""
    return _ESCAPE.sub(" ", text) if "\\" in text else text


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The longest lines of the text, up to ``limit`` chars: prose, not menus.

    Layout does not count: lines are stripped and runs of whitespace are one space, so a
    text and its cleaned output (re-spaced, one final newline) give the same sample
    (langdetect answered "da" for "Home" but "en" for "Home\\n").
    """
    def norm(s: str) -> str:  # bounded: a 50 MB line is not split into words
        return " ".join(s[: 4 * limit].split())[:limit]

    text = without_escapes(text)
    lines = sorted((ln.strip() for ln in text.split("\n")), key=len, reverse=True)
    out, size = [], 0
    for ln in lines:
        ln = norm(ln)
        if len(ln) <= 40:
            break
        out.append(ln)
        size += len(ln)
        if size >= limit:
            break
    return "\n".join(out) if out else norm(text)


class LanguageDetector:
    """Seeded langdetect on a bounded sample, skipped when one language's stopwords
    clearly lead (every language with a list in ``rules/stopwords``).

    Holds its own ``DetectorFactory`` (seed 0), never the module-global one, so results are
    deterministic and independent of other users of langdetect in the process.
    """

    def __init__(self, fast_langs: tuple[str, ...] | None = None):
        langs = fast_langs if fast_langs is not None else stopword_languages()
        self._fast = [(lang, stops) for lang in langs if (stops := stopwords(lang))]
        self._factory = None
        self._lock = threading.Lock()

    def _get_factory(self):
        with self._lock:
            if self._factory is None:
                from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                factory.set_seed(0)
                # The profiles are ~90,000 lists of floats that never change once loaded;
                # as tuples the garbage collector stops tracking them, so its full passes
                # (50 ms each with the lists) no longer slow down every later allocation.
                probs = factory.word_lang_prob_map
                for word, row in probs.items():
                    probs[word] = tuple(row)
                self._factory = factory
            return self._factory

    @staticmethod
    def _vote(words: list[str], stops) -> tuple[int, int]:
        """How many of ``words`` are stopwords of a language, and how many different ones."""
        found = [w for w in words if w in stops]
        return len(found), len(set(found))

    def may_be_undetermined(self, text: str) -> bool:
        """Could :meth:`detect` answer ``"und"``?  Only with fewer than
        :data:`MIN_GUESS_LETTERS` letters in the sample (a cheap first test: no stopwords,
        no langdetect)."""
        return sum(map(len, _WORD.findall(sample(text)))) < MIN_GUESS_LETTERS

    def detect(self, text: str) -> str:
        """ISO 639-1 code of the text's language, or ``"und"`` when it cannot tell."""
        text = sample(text)
        words = _WORD.findall(text.lower())
        letters = sum(map(len, words))
        if letters < MIN_LETTERS:
            # langdetect guesses on a few words ("Home" -> "da", "Home\\n" -> "en"), and such a
            # guess flips when a cruft line goes, so cleaning the output would change it again.
            return "und"
        votes = sorted((self._vote(words, stops) + (lang,) for lang, stops in self._fast), reverse=True)
        if votes:
            count, distinct, lang = votes[0]
            runner_up = votes[1][0] if len(votes) > 1 else 0
            if count / len(words) >= FAST_PATH_SHARE and (count - runner_up) / len(words) >= FAST_PATH_LEAD:
                if count >= MIN_VOTE_STOPWORDS and distinct >= MIN_VOTE_DISTINCT and count - runner_up >= MIN_VOTE_MARGIN:
                    return lang
                # The vote leans on too little evidence to decide, and langdetect's guess
                # from so few words flips when one line goes: too short to tell.
                return "und"
        if letters < MIN_GUESS_LETTERS:
            return "und"
        from langdetect.lang_detect_exception import LangDetectException

        try:
            detector = self._get_factory().create()
            detector.append(text)
            lang = detector.detect()
        except LangDetectException:
            return "und"
        return lang.split("-")[0]
