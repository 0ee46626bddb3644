"""Tools for school staff: FAQ check with a report, unanswered questions, console helpers."""
