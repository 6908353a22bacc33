"""The clinical pathway for colorectal cancer liver metastases (SPEC `crlm-2026.1`).

Plain Python with no Django imports: case facts in, a recommendation result out, one module per
concern, so the rules can be read, tested and versioned apart from HTTP and the ORM.

Place in the dependency order (README, "Architecture"): **pathways** <- core <- patients <-
imaging <- casefacts <- recommendations <- meetings <- summaries <- workspace. The lowest floor:
it imports no other app, and no Django (import-linter checks both).
"""
