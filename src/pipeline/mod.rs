//! The `pipeline` hot path (to be built in its own issue).
