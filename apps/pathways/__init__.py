"""The clinical pathway for colorectal cancer liver metastases (SPEC `crlm-2026.1`).

Plain Python with no Django imports: case facts in, a recommendation result out, one module per
concern, so the rules can be read, tested and versioned apart from HTTP and the ORM.
"""
