"""Spreadsheets: reading, column and row checks, batch scoring, results, template, reports."""
