"""``python -m drkit <command>``: the same as the ``drkit`` console script."""

from drkit.commands import main

raise SystemExit(main())
