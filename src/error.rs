//! The one error type of the core.
//!
//! Every fallible core function returns [`Result<T>`]. Each variant carries a message that
//! names the offending parameter and its value; [`Error::code`] gives the stable string code
//! that both bindings put on the JavaScript `HotpathError` (see DESIGN.md, "Errors").

use std::fmt;

/// A core error: a stable code plus a human message naming the parameter and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `page` / `limit` (or another pagination parameter) is not a positive integer.
    InvalidPagination(String),
    /// A pipeline spec failed validation at compile time.
    InvalidSpec(String),
    /// A `$`-operator, field or key that the spec does not allow.
    ForbiddenOperator(String),
    /// A keyset cursor token that is malformed, tampered with or of the wrong shape.
    InvalidCursor(String),
    /// A pattern the linear-time engine cannot run exactly (lookaround, backreferences…).
    PatternUnsupported(String),
    /// A cache key (or debouncer key) that is not a string, or otherwise unusable.
    InvalidKey(String),
    /// An amount that is not a finite decimal number.
    InvalidAmount(String),
    /// A currency code that is neither built in nor registered.
    UnknownCurrency(String),
    /// A decimal result that does not fit the exact representation.
    Overflow(String),
    /// An operation on an object that has been closed.
    Closed(String),
    /// A bug: a panic or a broken invariant inside the core.
    Internal(String),
}

impl Error {
    /// The stable code, e.g. `"ERR_INVALID_KEY"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidPagination(_) => "ERR_INVALID_PAGINATION",
            Error::InvalidSpec(_) => "ERR_INVALID_SPEC",
            Error::ForbiddenOperator(_) => "ERR_FORBIDDEN_OPERATOR",
            Error::InvalidCursor(_) => "ERR_INVALID_CURSOR",
            Error::PatternUnsupported(_) => "ERR_PATTERN_UNSUPPORTED",
            Error::InvalidKey(_) => "ERR_INVALID_KEY",
            Error::InvalidAmount(_) => "ERR_INVALID_AMOUNT",
            Error::UnknownCurrency(_) => "ERR_UNKNOWN_CURRENCY",
            Error::Overflow(_) => "ERR_OVERFLOW",
            Error::Closed(_) => "ERR_CLOSED",
            Error::Internal(_) => "ERR_INTERNAL",
        }
    }

    /// The message, naming the parameter and the value.
    pub fn message(&self) -> &str {
        match self {
            Error::InvalidPagination(m)
            | Error::InvalidSpec(m)
            | Error::ForbiddenOperator(m)
            | Error::InvalidCursor(m)
            | Error::PatternUnsupported(m)
            | Error::InvalidKey(m)
            | Error::InvalidAmount(m)
            | Error::UnknownCurrency(m)
            | Error::Overflow(m)
            | Error::Closed(m)
            | Error::Internal(m) => m,
        }
    }

    /// Turns the payload of a caught panic into [`Error::Internal`].
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Error {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic payload".to_string());
        Error::Internal(format!("internal error (panic in hotpath core): {what}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// The core's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(Error::InvalidKey("key".into()).code(), "ERR_INVALID_KEY");
        assert_eq!(Error::Internal("x".into()).code(), "ERR_INTERNAL");
        assert_eq!(Error::Overflow("sum".into()).message(), "sum");
    }

    #[test]
    fn panic_payloads_become_internal() {
        let caught = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        let err = Error::from_panic(&*caught);
        assert_eq!(err.code(), "ERR_INTERNAL");
        assert!(err.message().contains("boom 1"), "{}", err.message());
    }
}
