//! The `debounce` hot path (to be built in its own issue).
