//! `compress(n, rounds)`: runs SHA-256's compression function over `n` 64-byte blocks, `rounds`
//! times. One signature of the benchmark's request needs 22 compressions (see
//! tests/sign_workload.rs), so timing `compress(22, k)` gives the least time any signer built on
//! this sha2 can take per signature in that JS engine.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[no_mangle]
pub extern "C" fn compress(n: u32, rounds: u32) -> u32 {
    let mut blocks = [[0u8; 64]; 32];
    for (i, b) in blocks.iter_mut().enumerate() {
        b[0] = i as u8;
    }
    let blocks = blocks.get(..n as usize).unwrap_or(&blocks);
    let mut state =
        [0x6a09_e667u32, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
    for _ in 0..rounds {
        // The state feeds back, so no round can be skipped or hoisted.
        sha2::block_api::compress256(&mut state, blocks);
    }
    state[0]
}
