//! The `money` hot path (to be built in its own issue).
