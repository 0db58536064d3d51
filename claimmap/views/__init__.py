"""Pure builders of what users see and take away: the map's HTML, CSV and GeoJSON."""
