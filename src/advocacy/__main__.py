from advocacy.cli import cli

cli()
