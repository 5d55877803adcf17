//! Service requests of the signed-in customer.
