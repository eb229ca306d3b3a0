"""jicai's domain engine: pure functions over pandas tables and pydantic models.

No xlwings, no Excel, no file I/O (besides reading its own packaged scheme files). Adapters
(macros/, udfs/, the jicai CLI) read values, call the engine, and write results back.
"""
