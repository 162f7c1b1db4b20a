//! `debounce` bindings (built in its own issue).
