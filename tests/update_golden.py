"""Regenerate golden/ from seeds/: the only way goldens change.

    python tests/update_golden.py          # write, then review `git diff golden/`
    python tests/update_golden.py --check  # exit 1 if any golden would change

Read the diff of every golden against its seed, line by line, before committing.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's package, not whichever one the environment has installed.
sys.path.insert(0, str(ROOT))

from cleaner import clean  # noqa: E402


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        golden = ROOT / "golden" / seed.name
        text = clean(seed.read_bytes()).text
        if not golden.is_file() or golden.read_text(encoding="utf-8") != text:
            changed.append(golden.name)
            if not check:
                golden.parent.mkdir(exist_ok=True)
                golden.write_text(text, encoding="utf-8")
    verb = "would change" if check else "updated"
    print(f"{verb}: {', '.join(changed)}" if changed else "goldens up to date")
    return 1 if (check and changed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
