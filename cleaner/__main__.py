"""``python -m cleaner IN OUT``: the same as the ``clean-articles`` command."""
from cleaner.cli import main

main(prog_name="clean-articles")
