"""One module per page (library, document, search, indicators, compare) and the JSON API."""
