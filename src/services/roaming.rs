//! Roaming and data roaming, and the data-roaming spending cap.
