"""Briefings generated from the count tables (never from the case register).

`monthly.report_monthly` makes the 月度通报 (Excel + PDF, kept as a `stats.Report`);
`monthly.report_due_monthly` is the worker's hook for last month's.
"""
