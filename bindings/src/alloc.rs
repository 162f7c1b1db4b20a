//! The wasm module's allocator: std's own (dlmalloc), with a system half that grows the
//! WebAssembly memory in large steps.
//!
//! dlmalloc grows the memory by as little as each request needs (64 KiB pages), and V8 runs
//! full garbage collections when a memory grows many times: indexing 1M cache keys grew it
//! ~1000 times and spent 2.2 s in 90 ms mark-compacts of a 150 MB JS heap (native: 0.4 s in
//! all). Measured in plain JS with a 90 MB heap: 1000 one-page grows 569 ms, 10 grows of 100
//! pages 1 ms. Here each grow takes at least 4 MiB or a quarter of the memory, so a memory
//! reaching `n` bytes has grown O(log n) times; the unused tail stays in dlmalloc's pool.

use core::arch::wasm32;
use core::ptr;
use dlmalloc::{Allocator, Dlmalloc};
use std::alloc::{GlobalAlloc, Layout};

const PAGE: usize = 64 * 1024;
const MIN_STEP: usize = 4 << 20;

/// dlmalloc's wasm system half (`dlmalloc::System`), growing geometrically.
struct Geometric;

// SAFETY: the memory handed out comes from `memory.grow`, is never handed out twice and is
// never released, as dlmalloc's own wasm system half does.
unsafe impl Allocator for Geometric {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let step = size.max(MIN_STEP).max(wasm32::memory_size(0) * PAGE / 4);
        // The large step first; when the memory cannot grow that much, what was asked.
        for want in [step, size] {
            let pages = want.div_ceil(PAGE);
            let prev = wasm32::memory_grow(0, pages);
            if prev != usize::MAX {
                let (base, len) = (prev * PAGE, pages * PAGE);
                // The last bytes of the address space: a pointer must not wrap to 0.
                let len = if base.wrapping_add(len) == 0 {
                    len - 16
                } else {
                    len
                };
                return (base as *mut u8, len, 0);
            }
        }
        (ptr::null_mut(), 0, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

struct Global;

static mut DLMALLOC: Dlmalloc<Geometric> = Dlmalloc::new_with_allocator(Geometric);

// SAFETY: the module is single-threaded (no `atomics` target feature), so no two calls
// reach the allocator at once; each forwards to dlmalloc as its own `GlobalDlmalloc` does.
unsafe impl GlobalAlloc for Global {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*ptr::addr_of_mut!(DLMALLOC)).malloc(layout.size(), layout.align())
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        (*ptr::addr_of_mut!(DLMALLOC)).free(p, layout.size(), layout.align())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        (*ptr::addr_of_mut!(DLMALLOC)).calloc(layout.size(), layout.align())
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        (*ptr::addr_of_mut!(DLMALLOC)).realloc(p, layout.size(), layout.align(), new_size)
    }
}

#[global_allocator]
static GLOBAL: Global = Global;
