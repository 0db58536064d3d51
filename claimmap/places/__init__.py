"""Mention -> Resolution: gazetteer tiers, name variants, extraction, resolution, geocoder."""
