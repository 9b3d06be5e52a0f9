//! Electronic licences (电子证照) issued to users. A draft slot of a
//! licence's type takes `licence:<type>:<id>` instead of an upload.
//!
//! The reference platform has no departments issuing anything, so it plays
//! their register: once it knows who a user is (real-name verification
//! gave an ID number) or which company they run (a company added), the
//! licences such a holder would have are there (`issue`). Each is signed by
//! the platform's issuer key over salted claim digests (`claims`, `sign`),
//! has a bit in a status list, and can be shown through a short online
//! token (`presentations`).

pub(crate) mod claims;
pub(crate) mod issue;
pub(crate) mod presentations;
pub(crate) mod sign;
pub(crate) mod store;
