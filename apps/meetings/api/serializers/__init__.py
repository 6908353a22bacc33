"""Serializers of the meeting endpoints, one module per part of the workflow."""
