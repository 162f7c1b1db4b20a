//! ISO 4217 minor units, plus currencies registered at run time.

use crate::{Error, Result};
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

/// Active ISO 4217 alphabetic codes and their minor units (decimal places), sorted by code.
/// Codes whose minor unit ISO gives as "N.A." (XAU, XDR, XTS, …) are left out: register them
/// with [`register_currency`] if you book them.
pub const ISO_4217: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SLL", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
    ("ZWL", 2),
];

/// The largest minor unit [`register_currency`] accepts.
pub const MAX_MINOR_UNIT: u32 = 18;

fn registry() -> &'static RwLock<HashMap<String, u8>> {
    static R: OnceLock<RwLock<HashMap<String, u8>>> = OnceLock::new();
    R.get_or_init(|| RwLock::new(HashMap::new()))
}

/// The minor unit of `code`: a registered currency first (a registration may override the
/// ISO figure), then the ISO 4217 table. `None` when unknown.
pub fn lookup(code: &str) -> Option<u32> {
    if let Ok(r) = registry().read() {
        if !r.is_empty() {
            if let Some(&m) = r.get(code) {
                return Some(m as u32);
            }
        }
    }
    ISO_4217
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| ISO_4217[i].1 as u32)
}

/// The minor unit of `code`, or `Error::UnknownCurrency` naming it.
pub fn minor_unit(code: &str) -> Result<u32> {
    lookup(code).ok_or_else(|| {
        Error::UnknownCurrency(format!(
            "currency must be an ISO 4217 code or one registered with registerCurrency, got {code:?}"
        ))
    })
}

/// True for a code of 2–12 ASCII letters, digits or `_` (ISO codes are 3 upper-case letters;
/// registered ones such as `USDT` may be longer).
pub fn is_well_formed(code: &str) -> bool {
    (2..=12).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Registers (or overrides) a currency's minor unit, 0..=18. A malformed code is
/// `Error::UnknownCurrency`; a bad minor unit is `Error::InvalidAmount`.
pub fn register_currency(code: &str, minor_unit: u32) -> Result<()> {
    if !is_well_formed(code) {
        return Err(Error::UnknownCurrency(format!(
            "code must be 2-12 letters, digits or '_', got {code:?}"
        )));
    }
    if minor_unit > MAX_MINOR_UNIT {
        return Err(Error::InvalidAmount(format!(
            "minorUnit must be an integer from 0 to {MAX_MINOR_UNIT}, got {minor_unit}"
        )));
    }
    registry()
        .write()
        .map_err(|_| Error::Internal("currency registry lock poisoned".into()))?
        .insert(code.to_string(), minor_unit as u8);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_known_units() {
        assert!(ISO_4217.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(minor_unit("USD").unwrap(), 2);
        assert_eq!(minor_unit("JPY").unwrap(), 0);
        assert_eq!(minor_unit("KWD").unwrap(), 3);
        assert_eq!(minor_unit("BHD").unwrap(), 3);
        assert_eq!(minor_unit("RUB").unwrap(), 2);
        assert_eq!(minor_unit("UZS").unwrap(), 2);
        assert_eq!(minor_unit("CLF").unwrap(), 4);
        assert_eq!(
            minor_unit("XXX").unwrap_err().code(),
            "ERR_UNKNOWN_CURRENCY"
        );
    }

    #[test]
    fn register_and_reject() {
        register_currency("TESTCOIN", 8).unwrap();
        assert_eq!(minor_unit("TESTCOIN").unwrap(), 8);
        assert_eq!(
            register_currency("a b", 2).unwrap_err().code(),
            "ERR_UNKNOWN_CURRENCY"
        );
        assert_eq!(
            register_currency("OKAY", 19).unwrap_err().code(),
            "ERR_INVALID_AMOUNT"
        );
        assert!(lookup("OKAY").is_none());
    }
}
