"""One module per `jicai` subcommand, each exposing `run(args) -> int` (exit status)."""
