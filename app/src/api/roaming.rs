//! Roaming, data roaming and the data-roaming spending cap of one of the customer's lines.
