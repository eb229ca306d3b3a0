"""A problem that stops a button before the engine runs (a required sheet is missing, the
workbook is not the expected one): shown to the clerk as an alert, never as a traceback."""


class MacroStop(Exception):
    def __init__(self, clerk_message: str):
        super().__init__(clerk_message)
        self.clerk_message = clerk_message
