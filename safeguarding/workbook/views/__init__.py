"""The Workbook's pages, one module per part, each with its own `urlpatterns` (joined in urls.py)."""
