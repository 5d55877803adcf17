//! Roaming settings of a line and the data-roaming spending cap.
