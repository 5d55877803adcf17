//! Add-ons of a line: active ones, the catalog, and the change previewed and confirmed in place.
