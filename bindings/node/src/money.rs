//! `money` bindings (built in its own issue).
