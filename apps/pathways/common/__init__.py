"""What the pathway versions share: the derived values they define alike (`derived`), the plan a
version's rules build (`plan`), the catalogue's entries and evidence (`catalogue`) and the
phrases their rationales use (`text`). A version package imports from here, never from another
version, so each version reads on its own and an old one can be retired whole."""
