"""Pure, typed building blocks of the portal's official documents: no models, no views."""
