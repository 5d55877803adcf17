//! A line's add-ons.
