//! Add-ons of the customer's lines: the catalog, the preview of a change, and the change.
