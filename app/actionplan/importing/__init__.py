"""Spreadsheet import of action plans (issue 7 §4): TSV, CSV or XLSX in the council layout.

`reader` turns the file into rows and finds the heading row; `cells` and `progress` understand the
council's free text; `plan.parse_file` checks the whole file without touching the database and
returns a ParsedPlan (actions per theme, warnings and errors per row): that is the dry-run preview.
`apply.apply_import` writes a ParsedPlan in the caller's transaction; it is all-or-nothing because
the caller commits once, and it refuses a plan with errors. Re-importing the same file changes
nothing: actions are matched by number, fields are only written when they differ, and progress
updates are matched by a fingerprint of their date, status and text.
"""
