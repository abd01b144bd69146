"""`python -m presslens` runs the command line."""

from presslens.cli import main

raise SystemExit(main())
