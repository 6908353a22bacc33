"""JSON parsing that lets NaN and Infinity through as numbers, so that validation can name the
field that holds them (a 400 at `liver.flr_percent`) instead of rejecting the whole body."""

from rest_framework.parsers import JSONParser


class LenientNumberJSONParser(JSONParser):
    strict = False
