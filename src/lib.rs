//! kinesis-video-wasm: an Amazon Kinesis Video Streams client compiled to WebAssembly.
//!
//! Data flows one way: JS input → validate → serialize → sign → fetch → parse → typed JS output.
//! `sigv4` is pure Rust and is tested natively; everything that touches JS lives under `js`.
//!
//! The npm package is built without the `std` feature: a `no_std` module whose panic handler is a
//! bare trap, which keeps Rust's panic-message formatting out of the download. Code never
//! relies on panicking; every `Result` is handled.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

/// What `std`'s prelude would give; modules `use crate::prelude::*` so they build both ways.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod endpoint;
pub mod model;
pub mod protocol;
pub mod signaling;
pub mod sigv4;
mod text;

#[cfg(target_arch = "wasm32")]
pub mod js;

/// Module-wide state (caches). A wasm module instance without the atomics feature runs on one
/// thread, so a `static` may hold a `RefCell`; a borrow that fails (re-entrance) is reported,
/// not a panic.
#[cfg(target_arch = "wasm32")]
pub(crate) struct Global<T>(core::cell::RefCell<T>);

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("the module-wide caches assume single-threaded wasm32");

// SAFETY: single-threaded wasm32 (checked above); nothing in it crosses threads.
#[cfg(target_arch = "wasm32")]
unsafe impl<T> Sync for Global<T> {}

#[cfg(target_arch = "wasm32")]
impl<T> Global<T> {
    pub(crate) const fn new(value: T) -> Self {
        Global(core::cell::RefCell::new(value))
    }

    pub(crate) fn borrow(&self) -> Result<core::cell::Ref<'_, T>, core::cell::BorrowError> {
        self.0.try_borrow()
    }

    pub(crate) fn borrow_mut(&self) -> Result<core::cell::RefMut<'_, T>, core::cell::BorrowMutError> {
        self.0.try_borrow_mut()
    }
}

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod runtime {
    // SAFETY: a wasm module instance without the atomics feature runs on one thread.
    #[global_allocator]
    static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
        unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }
}
