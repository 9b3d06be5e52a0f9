//! Check-digit and format validators for Chinese identifiers.
//!
//! Pure functions over `&str` (std only). They were the server's
//! `validate` module; they live here so the app checks a number with the very
//! code the platform uses to re-check it. The form validator calls them for
//! the `id_number`, `credit_code` and `mobile` field kinds; the server also
//! calls them directly (real-name verification, company binding, sign-in).

pub mod bank_card;
pub mod id_number;
pub mod phone;
pub mod uscc;

pub use bank_card::{BankCardError, check_bank_card, luhn_valid};
pub use id_number::{IdNumber, IdNumberError, check_id_number};
pub use phone::is_mobile_number;
pub use uscc::{UsccError, check_uscc};
