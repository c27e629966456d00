//! The baseline for the footprint: a cortex-m-rt program that does nothing but exit.
//!
//! It shares the runtime, the panic handler and the semihosting exit with `footprint.rs`, so
//! the difference between the two is what the mediadiag core itself costs.

#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
use panic_halt as _;

#[entry]
fn main() -> ! {
    debug::exit(black_box(debug::EXIT_SUCCESS));
    loop {
        cortex_m::asm::wfi();
    }
}
