//! `pipeline` bindings (built in its own issue).
