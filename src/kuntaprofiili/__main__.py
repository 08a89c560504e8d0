"""Allow ``python -m kuntaprofiili``."""

from kuntaprofiili.cli import main

main()
