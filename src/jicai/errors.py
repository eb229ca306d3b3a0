"""Errors that end a command with exit status 2 and one Chinese line on stderr (SPEC §5)."""


class InputError(Exception):
    """The input cannot be used at all: missing file, not a workbook, sheet not found, ..."""
