//! kinesis-video-wasm: an Amazon Kinesis Video Streams client compiled to WebAssembly.
//!
//! Data flows one way: JS input → validate → serialize → sign → fetch → parse → typed JS output.
//! `sigv4` is pure Rust and is tested natively; everything that touches JS lives under `js`.

pub mod endpoint;
pub mod model;
pub mod sigv4;
