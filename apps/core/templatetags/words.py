"""Template filters of the code-to-words mapping (apps/core/words.py), built into every template:
`{{ code|words }}`, `{{ value|words:"MsiStatus" }}`, `{{ value|lower_words }}`,
`{{ codes|words_join }}` and `{{ message|sentence_words }}`."""

from typing import Any

from django import template

from apps.core import words as vocabulary

register = template.Library()


@register.filter
def words(value: Any, name: str | None = None) -> str:
    return vocabulary.words(value, name)


@register.filter
def lower_words(value: Any, name: str | None = None) -> str:
    return vocabulary.lower_words(value, name)


@register.filter
def words_join(values: Any, name: str | None = None) -> str:
    """A list of codes as words, joined with "; "."""
    return "; ".join(vocabulary.words_list(values or [], name))


@register.filter
def sentence_words(text: Any) -> str:
    return vocabulary.sentence_words(text)
