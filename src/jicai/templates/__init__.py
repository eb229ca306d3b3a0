"""Workbook template builders. Each module here exposes `TEMPLATES: dict[str, Callable[[], Workbook]]`
mapping a file name in workbook_templates/ to a function building that workbook with openpyxl;
`jicai templates` (and workbook_templates/generate.py) discovers them all."""
