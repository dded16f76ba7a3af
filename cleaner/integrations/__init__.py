"""Adapters for the engines people already run their crawls through.

Each module needs its own extra and imports its engine at import time, so import the
one you use: :mod:`cleaner.integrations.datatrove` (``pip install 'clean-articles[datatrove]'``),
:mod:`cleaner.integrations.hf` (``[datasets]``), :mod:`cleaner.integrations.nemo_curator`
(``[nemo]``).  All of them add the same fixed fields (:mod:`cleaner.integrations.fields`).
"""
