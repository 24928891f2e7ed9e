"""``python -m cmirev``."""

from cmirev.cli import main

raise SystemExit(main())
