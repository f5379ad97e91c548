//! Precedence, in one place.
