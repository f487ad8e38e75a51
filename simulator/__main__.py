"""``python -m simulator`` is the ``tsim`` command."""

from .cli import main

main()
