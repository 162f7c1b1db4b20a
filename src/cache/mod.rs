//! The `cache` hot path (to be built in its own issue).
