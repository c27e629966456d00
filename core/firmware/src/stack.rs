//! Peak stack of one call, measured by painting the free stack below the caller.
//!
//! The stack grows down from `_stack_start` towards `_stack_end` (both from cortex-m-rt's
//! linker script). Before the call, every word of the free stack below the current stack
//! pointer (at most [`WINDOW`] bytes of it) is painted with [`PAINT`]; after it, the lowest word
//! that no longer holds the pattern is the high-water mark of the call.

use core::arch::asm;
use core::ptr;

/// The pattern painted on free stack words.
const PAINT: u32 = 0x5AA5_C33C;

/// How much free stack is painted below the caller: far above any budget, small enough to
/// repaint before every measured call.
pub const WINDOW: usize = 16 * 1024;

unsafe extern "C" {
    /// Lowest address of the stack region (the end of `.bss`/`.uninit`), from cortex-m-rt.
    static _stack_end: u32;
}

/// What a measured call returned, and how much stack it used.
pub struct Measured<T> {
    /// The call's result.
    pub value: T,
    /// Bytes of stack below the caller's stack pointer that the call wrote.
    pub bytes: usize,
    /// True if the call wrote the lowest painted word: it used at least [`WINDOW`] bytes and the
    /// measurement is only a lower bound.
    pub overflowed: bool,
}

/// Runs `call` and measures its stack.
///
/// `call` should reach the code under test through a function pointer hidden from the
/// optimizer (`core::hint::black_box`), so that the code cannot be inlined into this frame,
/// which is above the painted region and would not be counted.
#[inline(never)]
pub fn measure<T>(call: impl FnOnce() -> T) -> Measured<T> {
    let sp: usize;
    // SAFETY: reads the stack pointer into a register; touches no memory.
    unsafe { asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
    let region_end = ptr::addr_of!(_stack_end) as usize;
    let low = sp.saturating_sub(WINDOW).max(region_end);
    let sp = sp & !3;
    let mut addr = low;
    while addr < sp {
        // SAFETY: [low, sp) is free stack: below the stack pointer of this frame, above the
        // end of the stack region, word-aligned. Nothing else runs (no interrupts are enabled)
        // and this loop calls nothing, so nothing lives there while it is painted.
        unsafe { ptr::write_volatile(addr as *mut u32, PAINT) };
        addr += 4;
    }
    let value = call();
    let mut lowest = low;
    // SAFETY: the same words as above, read back after the call returned.
    while lowest < sp && unsafe { ptr::read_volatile(lowest as *const u32) } == PAINT {
        lowest += 4;
    }
    Measured { value, bytes: sp - lowest, overflowed: lowest == low && lowest < sp }
}
