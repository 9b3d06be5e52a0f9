//! Devices that hold licences: a device key registered by a user, and the
//! certificate the issuer signs binding it to the user. An offline
//! presentation carries that certificate, so a verifier knows the device
//! signature comes from a device the holder registered.

pub(crate) mod store;
