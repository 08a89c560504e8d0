"""Allow ``python -m kuntaprofiili``."""

from kuntaprofiili.launch import main

main()
