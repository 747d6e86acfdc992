"""Transforms, one per module. The registry discovers them; nothing is listed here."""
