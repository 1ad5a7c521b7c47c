"""Reads for the Workbook's pages, one module per part; each costs a fixed number of queries whatever the
number of cycles, chapters and sessions."""
