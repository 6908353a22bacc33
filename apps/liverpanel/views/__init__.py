"""Browser pages of the liver expert panel (htmx): the member's queue and the pseudonymised review
page (`review`), and the case-side section and its actions for the referring hospital (`case`).
"""
