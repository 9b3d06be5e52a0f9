//! The form schema: what a form asks for and the rules its answers follow.
//! Plain serde data (the JSON shape is in the crate README), written by the
//! platform and read by the app; [`check_schema`] finds authoring mistakes.

mod check;
mod condition;
mod form;
mod kind;
mod material;
mod prefill;
mod rules;

pub use check::{SchemaProblem, check_schema};
pub use condition::Condition;
pub use form::{FieldSpec, FormSchema};
pub use kind::{ChoiceOption, FieldKind};
pub use material::{MaterialRef, MaterialSlot, SlotFill};
pub use prefill::PrefillSource;
pub use rules::{Limit, Rules};
