//! `cache` bindings (built in its own issue).
