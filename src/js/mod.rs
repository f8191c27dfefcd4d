//! The thin JS layer: converts JS values to Rust and back, and nothing else. Every failure
//! becomes a thrown JS `Error` naming the field; nothing here may panic (a wasm panic aborts the
//! whole module).

pub(crate) mod bindings;
pub mod client;
mod convert;
pub mod signaling;
pub mod signer;

// The model's interpreter builds JS objects the same way.
pub(crate) use convert::{array_items, is_absent, put, unreadable_problem};
