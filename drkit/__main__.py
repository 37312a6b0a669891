"""``python -m drkit <command>``: the same as the ``drkit`` console script."""

from drkit.cli import main

raise SystemExit(main())
