//! Where a field's answer can come from without the user typing it.

use serde::{Deserialize, Serialize};

/// What the platform already knows about the applicant that fills a field
/// (少填): the signed-in person's verified profile, the company they act
/// for, or a licence the platform holds. A hint only: the client fills the
/// value in, the user may see it, and it is validated like anything typed.
/// Serialised with a `source` tag: `{"source":"profile_name"}`,
/// `{"source":"licence_number","licence_type":"营业执照"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PrefillSource {
    /// The verified real name (a text field).
    ProfileName,
    /// The verified ID number (an id_number field).
    ProfileIdNumber,
    /// The account's mobile number (a mobile field).
    ProfileMobile,
    /// The name of the company the user acts for (a text field).
    CompanyName,
    /// That company's unified social credit code (a credit_code field).
    CompanyCreditCode,
    /// The number of the applicant's licence of this type (a text field).
    LicenceNumber { licence_type: String },
}
