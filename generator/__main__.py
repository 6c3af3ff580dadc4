"""`python -m generator` is the same as the generate-report command."""

from generator.cli.start import main

main()
